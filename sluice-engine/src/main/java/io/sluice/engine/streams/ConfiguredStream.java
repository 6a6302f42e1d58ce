package io.sluice.engine.streams;

import io.sluice.spi.StreamSpec;

/**
 * A selected stream of the streams file: what connectors see ({@link StreamSpec}) plus the options only the
 * engine acts on.
 *
 * @param spec columns, key, mode, partitioning, destination, cursor field
 * @param pageSize rows per page of an incremental read
 * @param lookbackSeconds how far behind the saved cursor an incremental run starts re-reading, to catch rows
 *     committed late with an older cursor value; 0 turns it off
 * @param pollIntervalSeconds with {@code sync --continuous}, the pause between two incremental runs
 */
public record ConfiguredStream(StreamSpec spec, int pageSize, long lookbackSeconds, long pollIntervalSeconds) {
  public static final int DEFAULT_PAGE_SIZE = 10_000;
  public static final long DEFAULT_POLL_INTERVAL_SECONDS = 60;

  /** A stream with the default page size, no look-back and the default poll interval. */
  public static ConfiguredStream of(StreamSpec spec) {
    return new ConfiguredStream(spec, DEFAULT_PAGE_SIZE, 0, DEFAULT_POLL_INTERVAL_SECONDS);
  }
}
