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
 */
public record ConfiguredStream(StreamSpec spec, int pageSize, long lookbackSeconds) {
  public static final int DEFAULT_PAGE_SIZE = 10_000;
}
