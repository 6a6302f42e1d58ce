package io.sluice.engine.sync;

import io.sluice.spi.Backlog;
import io.sluice.spi.Catalog;
import io.sluice.spi.CheckResult;
import io.sluice.spi.Column;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.RowSink;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An in-memory table (id long key, updated_at timestamp cursor, payload string) read by (cursor, key) pages
 * exactly as the SPI describes. {@link #afterEachPage} lets a test change the table between pages.
 */
final class FakeCursorTable implements Source, IncrementalSource {
  static final StreamId TABLE = StreamId.of("public", "accounts");
  static final List<Column> COLUMNS = List.of(new Column("id", DataType.LONG, false, "bigint"),
      new Column("updated_at", DataType.TIMESTAMP, true, "timestamp"),
      new Column("payload", DataType.STRING, true, "text"));

  final TreeMap<Long, Object[]> rows = new TreeMap<>();
  int pagesRead;
  Consumer<FakeCursorTable> afterEachPage = table -> {};

  static StreamSpec spec() {
    return new StreamSpec(TABLE, TABLE, SyncMode.INCREMENTAL, COLUMNS, List.of("id"), List.of(),
        Optional.of("updated_at"));
  }

  synchronized void put(long id, LocalDateTime updatedAt, String payload) {
    rows.put(id, new Object[] {id, updatedAt, payload});
  }

  private static final Comparator<Object[]> ORDER = Comparator
      .comparing((Object[] r) -> (LocalDateTime) r[1]).thenComparing(r -> (Long) r[0]);

  private static boolean after(Object[] row, CursorPosition position) {
    LocalDateTime cursor = (LocalDateTime) row[1];
    int byCursor = cursor.compareTo((LocalDateTime) position.cursor());
    if (position.cursorOnly()) {
      return byCursor >= 0;
    }
    return byCursor > 0 || (byCursor == 0 && (Long) row[0] > (Long) position.key().get(0));
  }

  @Override
  public long readPage(StreamSpec stream, Optional<CursorPosition> after, int pageSize, RowSink sink)
      throws InterruptedException {
    List<Object[]> page;
    synchronized (this) {
      page = rows.values().stream().filter(r -> r[1] != null).filter(r -> after.map(p -> after(r, p)).orElse(true))
          .sorted(ORDER).limit(pageSize).map(Object[]::clone).toList();
    }
    for (Object[] row : page) {
      sink.accept(row, 32);
    }
    pagesRead++;
    afterEachPage.accept(this);
    return page.size();
  }

  @Override
  public synchronized Backlog backlog(StreamSpec stream, Optional<CursorPosition> after, long countCap) {
    Optional<Object> max = rows.values().stream().map(r -> (LocalDateTime) r[1]).filter(java.util.Objects::nonNull)
        .max(Comparator.naturalOrder()).map(Object.class::cast);
    long behind = rows.values().stream().filter(r -> r[1] != null)
        .filter(r -> after.map(p -> after(r, p)).orElse(true)).count();
    long nulls = rows.values().stream().filter(r -> r[1] == null).count();
    return new Backlog(max, Math.min(behind, countCap), behind > countCap, nulls);
  }

  synchronized List<Object[]> snapshot() {
    List<Object[]> copy = new ArrayList<>();
    rows.values().forEach(r -> copy.add(r.clone()));
    return copy;
  }

  @Override
  public Optional<IncrementalSource> incremental() {
    return Optional.of(this);
  }

  @Override
  public CheckResult check() {
    return new CheckResult(List.of());
  }

  @Override
  public Catalog discover() {
    return new Catalog(List.of(new StreamDescriptor(TABLE, COLUMNS, List.of("id"),
        Set.of(SyncMode.INCREMENTAL), List.of())));
  }

  @Override
  public List<Split> planSnapshot(StreamSpec stream) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SnapshotReader openSnapshot(StreamSpec stream, Split split) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int maxConcurrentReads() {
    return 1;
  }

  @Override
  public void close() {}
}
