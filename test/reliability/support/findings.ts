/**
 * What the suites report: a finding is one concrete failure with what is needed to replay it.
 */

export interface Finding {
  suite:
    | 'crash'
    | 'convergence'
    | 'bad-input'
    | 'bad-reply'
    | 'database-start'
    | 'fault-proxy'
    | 'ties-during-pull'
    | 'low-max-top'
    | 'mixed-500'
    | 'oversize-records';
  /** Seed (and policy) to replay it with. */
  replay: string;
  category:
    | 'lost-edit'
    | 'duplicate'
    | 'diverged'
    | 'process-crash'
    | 'unexpected-error'
    | 'unlisted-conflict'
    | 'wrong-error'
    | 'wrote-data'
    | 'unhealthy'
    | 'queue-damaged'
    | 'stuck';
  detail: string;
}

export function describeFinding(finding: Finding): string {
  return `[${finding.suite}] ${finding.category} (replay: ${finding.replay}): ${finding.detail}`;
}
