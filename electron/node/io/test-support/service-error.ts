import { ServiceError } from '../../../common/errors';

/** The ServiceError a promise rejects with; fails the test on success or any other error. */
export async function serviceErrorOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a ServiceError, but the call succeeded');
}
