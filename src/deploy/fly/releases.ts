// Fly's release history (the REST API flyctl writes to: https://api.fly.io/api/v1/releases), so a
// deploy made through the Machines API still shows in `fly releases` and the dashboard with its
// image and final status. Bookkeeping only: a failure here is a warning, never a failed deploy.

import { HttpClient } from '../../platform/http';

export const DEFAULT_RELEASES_URL = 'https://api.fly.io';

export type ReleaseStatus = 'running' | 'complete' | 'failed';

export interface FlyRelease {
  id: string;
  version?: number;
}

export class FlyReleasesClient {
  constructor(private readonly http: HttpClient) {}

  async create(app: string, image: string): Promise<FlyRelease> {
    const res = await this.http.post<{ release?: FlyRelease }>('api/v1/releases', { app_name: app, image, strategy: 'ROLLING', definition: {} });
    if (!res.body?.release?.id) throw new Error('the releases API answered without a release id');
    return res.body.release;
  }

  async setStatus(id: string, status: ReleaseStatus, error?: string): Promise<void> {
    const metadata = error ? { post_deployment_info: { error } } : undefined;
    // A status update is idempotent, so it is retried like a read.
    await this.http.patch(`api/v1/releases/${encodeURIComponent(id)}`, { status, metadata }, { retryUnsafe: true });
  }
}
