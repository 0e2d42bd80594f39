/**
 * Virtual EC2 container instances for new clusters, for those who want
 * instant capacity: with the runtime's `containerInstances.count` above 0
 * (`ecskit local --container-instances N`; 0 by default, as on AWS, where a
 * cluster has the EC2 instances whose agents join it), each ACTIVE cluster
 * gets that many once, synchronously, before CreateCluster answers (the
 * runtime listens to `state:changed`).
 *
 * @internal
 */
import type { TasksShared } from './shared.js';

/** Gives each newly created cluster its container instances. */
export class ClusterProvisioner {
  readonly #known = new Set<string>();
  #provisioning = false;

  constructor(private readonly shared: TasksShared) {}

  /** Provisions clusters not seen before; `initial` only records the ones that exist (restored state). */
  provision(initial = false): void {
    if (this.#provisioning) return;
    this.#provisioning = true;
    try {
      const spec = this.shared.context.containerInstances;
      let added = false;
      for (const { state, ecs } of this.shared.ecsRegions()) {
        for (const cluster of Object.values(ecs.clusters)) {
          const key = `${cluster.clusterArn}@${cluster.createdAt}`;
          if (this.#known.has(key)) continue;
          this.#known.add(key);
          if (initial || cluster.status !== 'ACTIVE' || !spec || spec.count <= 0) continue;
          this.shared.context.controlPlane.ecs.registerVirtualInstances(state, cluster.clusterArn, { count: spec.count, cpu: spec.cpu, memory: spec.memory, now: cluster.createdAt });
          added = true;
        }
      }
      if (added) this.shared.context.cloud.touch();
    } finally {
      this.#provisioning = false;
    }
  }
}
