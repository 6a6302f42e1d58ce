package io.sluice.spi;

import java.util.Optional;

/**
 * How far an incremental stream is behind its source.
 *
 * @param maxCursor the largest cursor value in the table, empty when the table has no row with a cursor
 * @param rowsBehind rows after the position, counted up to the cap
 * @param capped whether the count stopped at the cap (the true number is at least {@code rowsBehind})
 * @param rowsWithNullCursor rows whose cursor is NULL, which cursor reads never see
 */
public record Backlog(Optional<Object> maxCursor, long rowsBehind, boolean capped, long rowsWithNullCursor) {}
