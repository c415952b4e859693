// vtk.js ships these filters without type declarations; only what scripts/bench-view3d.ts calls.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
  interface vtkImageMarchingCubes {
    setInputData(image: vtkImageData): void;
    getOutputData(): vtkPolyData;
  }
  const vtkImageMarchingCubes: {
    newInstance(initial: { contourValue: number; computeNormals: boolean; mergePoints: boolean }): vtkImageMarchingCubes;
  };
  export default vtkImageMarchingCubes;
}

declare module '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter' {
  import type vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
  interface vtkWindowedSincPolyDataFilter {
    setInputData(polyData: vtkPolyData): void;
    getOutputData(): vtkPolyData;
  }
  const vtkWindowedSincPolyDataFilter: {
    newInstance(initial: {
      numberOfIterations: number;
      passBand: number;
      nonManifoldSmoothing: number;
      normalizeCoordinates: number;
    }): vtkWindowedSincPolyDataFilter;
  };
  export default vtkWindowedSincPolyDataFilter;
}
