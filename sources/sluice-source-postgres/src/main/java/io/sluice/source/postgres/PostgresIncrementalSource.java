package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresBinaryDecoders.ColumnReading;
import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.spi.Backlog;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.RowSink;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cursor reads of PostgreSQL tables, with the queries of {@link PostgresCursorQueries}. A page is read like a
 * snapshot chunk ({@link PostgresTableCopy}: binary COPY, the same decoders, so rows carry the same values); a
 * backlog is one COPY of one row. Each call opens a connection of its own and closes it, inside a
 * {@code READ COMMITTED, READ ONLY} transaction that locks the table in {@code ACCESS SHARE} mode before looking up
 * its columns; under {@code READ COMMITTED} the lookup, made after the lock is granted, sees the types the copy
 * will read. Thread-safe.
 *
 * <p>{@link Backlog#rowsWithNullCursor()} is counted up to the same cap as the rows behind: a count equal to the cap
 * means at least that many.
 */
final class PostgresIncrementalSource implements IncrementalSource {
  private static final ValueDecoder COUNT = (bytes, offset, length) -> PostgresBinaryDecoders.int64(bytes, offset);

  private final PostgresConnections connections;

  PostgresIncrementalSource(PostgresConnections connections) {
    this.connections = connections;
  }

  /**
   * {@inheritDoc}
   *
   * @throws SluiceException {@code CONFIG} when the cursor or key column is missing, retyped or of a type cursor
   *     reads cannot use, or a value of {@code after} cannot be rendered exactly; {@code PERMANENT} when the table
   *     or another selected column is gone; {@code TRANSIENT} when the connection fails
   * @throws InterruptedException when the sink is interrupted (the copy is cancelled on the server), or the thread
   *     was interrupted before the read began
   */
  @Override
  public long readPage(StreamSpec stream, Optional<CursorPosition> after, int pageSize, RowSink sink)
      throws InterruptedException {
    if (pageSize < 1) {
      throw new IllegalArgumentException("Cannot read a page of " + pageSize + " rows: expected at least 1");
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("Cannot read a page of " + stream.source() + ": interrupted");
    }
    String what = "Cannot read a page of " + stream.source() + " by cursor";
    try (PostgresTableCopy copy = new PostgresTableCopy(connections, stream, what)) {
      copy.execute("BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY");
      PostgresCursorQueries queries = PostgresCursorQueries.forStream(stream, copy.lock(), copy::column, what);
      long rows = copy.copySelected(queries.page(after, pageSize), sink);
      copy.execute("COMMIT");
      copy.reportAnomalies("page");
      return rows;
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The maximum is taken over the rows pages can read (so not NULL, not {@code ±infinity}) and decoded like
   * the cursor column's values. Without an index on the cursor column the counts may scan the whole table.
   *
   * @throws SluiceException as {@link #readPage}
   */
  @Override
  public Backlog backlog(StreamSpec stream, Optional<CursorPosition> after, long countCap) {
    if (countCap < 0) {
      throw new IllegalArgumentException("Cannot count up to " + countCap + " rows: expected a cap of at least 0");
    }
    String what = "Cannot measure the backlog of " + stream.source();
    try (PostgresTableCopy copy = new PostgresTableCopy(connections, stream, what)) {
      copy.execute("BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY");
      PostgresCursorQueries queries = PostgresCursorQueries.forStream(stream, copy.lock(), copy::column, what);
      Column cursor = queries.cursor();
      ColumnReading reading = copy.reading(cursor, PostgresTypeMapping.dataType(cursor.type()));
      List<Object[]> rows = new ArrayList<>();
      copy.copy(queries.backlog(after, countCap, reading.cast()), new ValueDecoder[] {reading.decoder(), COUNT, COUNT},
          List.of("max(" + cursor.name() + ")", "rows behind", "rows with a NULL cursor"),
          (row, size) -> rows.add(row));
      copy.execute("COMMIT");
      Object[] row = rows.get(0);
      long behind = (Long) row[1];
      long nullCursors = (Long) row[2];
      return new Backlog(Optional.ofNullable(row[0]), Math.min(behind, countCap), behind > countCap,
          Math.min(nullCursors, countCap));
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    } catch (InterruptedException e) {
      // Only a sink throws it, and this one never does.
      Thread.currentThread().interrupt();
      throw new SluiceException(ErrorKind.INTERNAL, what + ": interrupted", e);
    }
  }
}
