package io.sluice.spi;

import java.util.List;

/**
 * A configured source. Created by {@link SourceFactory#create}; creation does not connect. Methods may be
 * called from several engine threads at once, except where noted; each call opens what it needs.
 */
public interface Source extends AutoCloseable {

  /** Probes connectivity, credentials and prerequisites; reports every failed probe, not just the first. */
  CheckResult check();

  /** Lists the streams the configured user can read, with columns, types and keys. */
  Catalog discover();

  /**
   * Splits a stream's snapshot into independently readable pieces. Called once per load; the engine stores
   * the plan and reuses it when the load resumes, so splits must stay valid while the table changes.
   */
  List<Split> planSnapshot(StreamSpec stream);

  /**
   * Whether an interrupted load of {@code splits} (a plan of {@link #planSnapshot}, read from the state file) may
   * go on by reading only the splits it had not committed, now, with this source instance. Say no when a row that
   * changes in between could move from a remaining split into a committed one or the reverse, so that it would be
   * missed or read twice (splits bounded by where rows are stored rather than by key, read outside the snapshot
   * they were planned in); the engine then starts the load over with a new plan. Called once per load, before
   * anything is read.
   */
  default boolean resumable(StreamSpec stream, List<Split> splits) {
    return true;
  }

  /** Opens a reader for one split of {@link #planSnapshot}. Called concurrently, up to {@link #maxConcurrentReads()}. */
  SnapshotReader openSnapshot(StreamSpec stream, Split split);

  /**
   * The cursor-read capability, for {@link SyncMode#INCREMENTAL}; empty when this source cannot offer it.
   */
  default java.util.Optional<IncrementalSource> incremental() {
    return java.util.Optional.empty();
  }

  /**
   * The change-log capability, for {@link SyncMode#CDC} and {@link SyncMode#CDC_ONLY}; empty when this source
   * has no change log.
   */
  default java.util.Optional<ChangeLogSource> changeLog() {
    return java.util.Optional.empty();
  }

  /**
   * What this source reads, stable across runs and free of secrets (e.g. {@code postgres://host:5432/shop}). The
   * state file records it, so that one source's positions are never applied to another. Does not connect.
   */
  default String identity() {
    return "";
  }

  /** How many splits of one stream may be read at once (the {@code max_threads} option). */
  int maxConcurrentReads();

  /** Releases connections and threads. Called once, after every reader is closed. */
  @Override
  void close();
}
