package io.sluice.destination.iceberg;

import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.WriteResult;

/**
 * Where a {@link IcebergStreamWriter}'s commits go, and how they become visible: {@link MainBranchTarget} for
 * {@code APPEND} and {@code UPSERT}, {@link StagingBranchTarget} for {@code REPLACE}. Called on the writer's thread only; every
 * method reads the table's current metadata, so callers refresh the table first.
 */
interface CommitTarget {
  /** Snapshot summary key holding the engine's checkpoint, written in the same commit as the data. */
  String CHECKPOINT_PROPERTY = "sluice.checkpoint";
  /** Snapshot summary key holding the load id of the commit. */
  String LOAD_ID_PROPERTY = "sluice.load-id";

  /** The branch commits go to. */
  String branch();

  /** The checkpoint this target resumes from, per {@link io.sluice.spi.StreamWriter#committedCheckpoint()}. */
  Optional<String> committedCheckpoint(Table table);

  /**
   * A pending commit adding {@code files}, data and delete files, to {@link #branch()} in one snapshot; the caller
   * adds the summary and commits.
   */
  SnapshotUpdate<?> newCommit(Table table, WriteResult files);

  /** The snapshot at the head of {@link #branch()}, or null when it has none yet. */
  Snapshot head(Table table);

  /** Makes everything committed visible to readers of the main branch; idempotent. */
  void publish(Table table);

  /** The checkpoint recorded on {@code snapshot}, if it carries one. */
  static Optional<String> checkpointOf(Snapshot snapshot) {
    return snapshot == null ? Optional.empty() : Optional.ofNullable(snapshot.summary().get(CHECKPOINT_PROPERTY));
  }
}
