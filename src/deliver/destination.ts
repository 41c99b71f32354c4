/** Everything a destination needs to deliver one attestation. `digest` is the sha256 hex of bundleJson. */
export type DeliveryItem = {
  bundleJson: string;
  digest: string;
  commits: string[];
  publicKeyPem: string;
  keyFingerprint: string;
  /** Work tree path of the repository that was pushed. */
  repo: string;
  /** Name (or URL) of the remote that was pushed to. */
  remote: string;
};

/** Result of one attempt: done, try again later, or never going to work (dead letter). */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string }
  | { kind: 'permanent'; reason: string };

/** A place attestations go to. `deliver` must be idempotent and should not throw (a throw counts as retry). */
export interface Destination {
  readonly label: string;
  deliver(item: DeliveryItem): Promise<DeliveryOutcome>;
}
