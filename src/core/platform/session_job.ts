/**
 * An Xbox Live asynchronous job (clean sessions, clear activity, activity details, handle to
 * description, presence, custom properties): "working" from the call until the service's answer
 * (taken in at a later update), then "complete" with a result or "failed" with a reason. Some jobs
 * clean themselves up and go to "not_running" when done instead of "complete".
 */
import type { PlatformClient } from './platform_client.js';
import type { Outgoing, Success } from './platform_protocol.js';

export type JobStatus = 'not_running' | 'working' | 'complete' | 'failed';
export const JOB_STATUSES: readonly JobStatus[] = ['not_running', 'working', 'complete', 'failed'];

export class SessionJob<T> {
  status: JobStatus = 'working';
  /** Why the job failed ("" otherwise). */
  failure = '';
  private value: T | undefined;

  constructor(
    client: PlatformClient,
    request: Outgoing,
    read: (answer: Success) => T,
    /** Done means "not_running" rather than "complete" (the job frees itself). */
    selfCleaning = false,
  ) {
    client.request(request, (answer) => {
      if (this.status !== 'working') return;
      if (answer.ok) {
        this.value = read(answer);
        this.status = selfCleaning ? 'not_running' : 'complete';
      } else {
        this.status = 'failed';
        this.failure = answer.error;
      }
    });
  }

  /** The result, once complete. */
  get result(): T | undefined {
    return this.status === 'complete' ? this.value : undefined;
  }
}
