/**
 * Conversion between itk-wasm's `Image` and our `Volume`.
 *
 * Direction layout: itk-wasm serialises ITK's direction matrix row-major (vnl order), with column c
 * the world direction of index axis c, which is exactly our convention, so it is copied as is.
 * Checked against nibabel on an oblique file (OAI-ZIB 9092628, axcodes PIR), where the transpose
 * would differ: see read-volume.test.ts and the shared-data integration test.
 */
import { Image, ImageType } from 'itk-wasm';
import { ServiceError } from '../../common/errors';
import {
  COMPONENT_TYPES,
  type ComponentType,
  type Mat3,
  type Vec3,
  type Volume,
  type VoxelArray,
} from '../../common/volume';

function isComponentType(type: string): type is ComponentType {
  return (COMPONENT_TYPES as readonly string[]).includes(type);
}

function sizeText(size: readonly number[]): string {
  return size.join('×');
}

function vec3(values: readonly number[]): Vec3 {
  return [values[0] ?? NaN, values[1] ?? NaN, values[2] ?? NaN];
}

function isVoxelArray(data: Image['data']): data is VoxelArray {
  return (
    data !== null &&
    !(data instanceof BigInt64Array || data instanceof BigUint64Array || data instanceof Uint8ClampedArray)
  );
}

/** The voxels on their own ArrayBuffer: itk-wasm may hand back SharedArrayBuffer views, which
 * neither the contract's schemas nor Electron's structured clone accept. */
function ownedVoxels(data: VoxelArray): VoxelArray {
  return data.buffer instanceof ArrayBuffer ? data : data.slice();
}

/**
 * The image as a volume, or one sentence naming `name` and saying why iSeg cannot use it:
 * 2D, a single slice, 4D, several components per voxel, or a voxel type we do not handle.
 */
export function volumeFromItkImage(image: Image, name: string): Volume {
  const { dimension, components, componentType, pixelType } = image.imageType;
  if (dimension < 3) {
    throw new ServiceError(
      'unreadable',
      `${name} is a 2D image (${sizeText(image.size)}); iSeg needs a 3D volume.`,
    );
  }
  if (dimension > 3) {
    throw new ServiceError(
      'unreadable',
      `${name} is a ${dimension}D image (${sizeText(image.size)}); iSeg opens 3D volumes only, so split it into 3D volumes first.`,
    );
  }
  if (components !== 1) {
    throw new ServiceError(
      'unreadable',
      `${name} has ${components} components per voxel (${pixelType}); iSeg opens single-component (grayscale) volumes only.`,
    );
  }
  if (image.size.some((n) => n === 1)) {
    throw new ServiceError(
      'unreadable',
      `${name} is a single 2D slice (${sizeText(image.size)}); iSeg needs a 3D volume.`,
    );
  }
  if (!isComponentType(componentType)) {
    throw new ServiceError(
      'unreadable',
      `${name} stores ${componentType} voxels, which iSeg does not support.`,
    );
  }
  const data = image.data;
  const size = vec3(image.size);
  if (
    !isVoxelArray(data) ||
    data.length !== size[0] * size[1] * size[2] ||
    !(image.direction instanceof Float64Array) ||
    image.direction.length !== 9
  ) {
    throw new ServiceError(
      'unreadable',
      `${name} could not be read: its voxel data is missing or incomplete.`,
    );
  }
  const d = image.direction;
  const direction: Mat3 = [
    d[0] ?? 0,
    d[1] ?? 0,
    d[2] ?? 0,
    d[3] ?? 0,
    d[4] ?? 0,
    d[5] ?? 0,
    d[6] ?? 0,
    d[7] ?? 0,
    d[8] ?? 0,
  ];
  return {
    geometry: { size, spacing: vec3(image.spacing), origin: vec3(image.origin), direction },
    componentType,
    voxels: ownedVoxels(data),
  };
}

export function itkImageFromVolume(volume: Volume, name = 'volume'): Image {
  const { size, spacing, origin, direction } = volume.geometry;
  const image = new Image(new ImageType(3, volume.componentType, 'Scalar', 1));
  image.name = name;
  image.origin = [...origin];
  image.spacing = [...spacing];
  image.direction = Float64Array.from(direction);
  image.size = [...size];
  image.data = volume.voxels;
  return image;
}
