package io.sluice.spi;

import java.util.Optional;

/**
 * The capability of reading a table by cursor: the rows whose (cursor, key) pair comes after a position, in
 * (cursor, key) order, a page at a time. The engine drives the pages and keeps the position; the source
 * writes the query in its own dialect, e.g.
 * {@code WHERE (c, k) > (:c, :k) ORDER BY c, k LIMIT :n}. Paging by the pair, not the cursor alone, is what
 * lets many rows share one cursor value without wedging the sync or skipping rows.
 *
 * <p>Obtained from {@link Source#incremental()}; thread-safe like the source.
 */
public interface IncrementalSource {

  /**
   * Reads at most {@code pageSize} rows after {@code after} (from the start when empty), ordered by the
   * stream's cursor field then its primary key, skipping rows whose cursor is NULL. Rows carry the stream's
   * selected columns, as in a snapshot read.
   *
   * @return the number of rows handed to {@code sink}; fewer than {@code pageSize} means the end was reached
   * @throws SluiceException with {@link ErrorKind#CONFIG} when the cursor or key column cannot be used
   */
  long readPage(StreamSpec stream, Optional<CursorPosition> after, int pageSize, RowSink sink)
      throws InterruptedException;

  /**
   * Measures the backlog after {@code after} cheaply: the maximum cursor (an index-only query where an index
   * exists) and a count of the rows behind that stops at {@code countCap}.
   */
  Backlog backlog(StreamSpec stream, Optional<CursorPosition> after, long countCap);
}
