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
