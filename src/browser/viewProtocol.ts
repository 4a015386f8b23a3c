/** What the `balms view` server tells its page (`GET /api/session`) and where it serves the files. */
export interface ViewSession {
  /** The paths as given on the command line (messages name them as `balms eval` would), or null. */
  gt: string | null;
  results: string | null;
  checkpoint: string | null;
  /** Whether `/images/<file name>` serves the ground truth's images (`--images`). */
  images: boolean;
}

/** `GET /files/<kind>` serves the file given on the command line. */
export type ViewFileKind = 'gt' | 'results' | 'checkpoint';
