package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamSpec;
import io.sluice.testkit.PostgresServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader: only the selected columns, in the spec's order; sizes per row; prompt cancellation; clear
 * permanent errors when the table changed since discovery; no connection left behind.
 */
class PostgresSnapshotReaderIT {
  private static PostgresServer server;
  private static Source source;
  private static StreamDescriptor wide;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA reads;
        CREATE TABLE reads.wide (id int PRIMARY KEY, a text, b bigint, c boolean, d date);
        INSERT INTO reads.wide SELECT g, 'text ' || g, g * 1000, g % 2 = 0, date '2024-01-01' + g % 365
          FROM generate_series(1, 300000) g;
        ANALYZE reads.wide;
        CREATE TABLE reads.changing (id int PRIMARY KEY, kept int, dropped int, retyped int);
        INSERT INTO reads.changing VALUES (1, 10, 20, 30);
        CREATE TABLE reads.vanishing (id int);
        """);
    source = PostgresSourceFixture.source(PostgresSourceFixture.config(server, "reads"));
    wide = PostgresSourceFixture.stream(source.discover(), "reads", "wide");
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(source, server);
  }

  @Test
  void readsOnlyTheSelectedColumnsInTheSpecsOrder() throws Exception {
    StreamSpec spec = PostgresSourceFixture.spec(wide, List.of(column(wide, "d"), column(wide, "id"), column(wide, "a")));
    List<Object[]> rows = PostgresSourceFixture.read(source, spec, wholeTable());
    assertThat(rows).hasSize(300_000);
    Object[] first = rows.stream().filter(r -> r[1].equals(7)).findFirst().orElseThrow();
    assertThat(first).containsExactly(java.time.LocalDate.of(2024, 1, 8), 7, "text 7");
  }

  @Test
  void reportsEachRowsSizeOnTheWire() throws Exception {
    StreamSpec spec = PostgresSourceFixture.spec(wide, List.of(column(wide, "id"), column(wide, "b")));
    List<Integer> sizes = new ArrayList<>();
    try (SnapshotReader reader = source.openSnapshot(spec, wholeTable())) {
      reader.read((row, size) -> sizes.add(size));
    }
    // field count (2) + per field a length (4) and the value (4 for int4, 8 for int8)
    assertThat(sizes).hasSize(300_000).containsOnly(2 + 4 + 4 + 4 + 8);
  }

  @Test
  void anyColumnCanBeReadAsStringThroughItsText() throws Exception {
    StreamSpec spec = PostgresSourceFixture.spec(wide, List.of(
        new Column("id", DataType.STRING, false, "integer"), new Column("c", DataType.STRING, true, "boolean")));
    List<Object[]> rows = PostgresSourceFixture.read(source, spec, wholeTable());
    assertThat(rows).anySatisfy(r -> assertThat(r).containsExactly("2", "true"));
  }

  @Test
  void interruptedSinkCancelsTheCopyPromptlyAndLeavesNoConnection() throws Exception {
    StreamSpec spec = PostgresSourceFixture.spec(wide);
    AtomicInteger seen = new AtomicInteger();
    long started = System.nanoTime();
    try (SnapshotReader reader = source.openSnapshot(spec, wholeTable())) {
      InterruptedException interrupted = catchThrowableOfType(InterruptedException.class, () -> reader.read((row, size) -> {
        if (seen.incrementAndGet() == 1000) {
          throw new InterruptedException("sync cancelled");
        }
      }));
      assertThat(interrupted).hasMessage("sync cancelled");
    }
    assertThat((System.nanoTime() - started) / 1e9).isLessThan(3);
    assertThat(seen).hasValue(1000);
    PostgresSourceFixture.assertNoSluiceConnectionWithin(server, 5_000);
  }

  @Test
  void columnsDroppedOrRetypedSinceDiscoveryFailPermanentlyNamingTheColumn() throws Exception {
    StreamDescriptor changing = PostgresSourceFixture.stream(source.discover(), "reads", "changing");
    server.execute("""
        ALTER TABLE reads.changing DROP COLUMN dropped;
        ALTER TABLE reads.changing ALTER COLUMN retyped TYPE text;
        """);
    SluiceException dropped = catchThrowableOfType(SluiceException.class, () -> PostgresSourceFixture.read(source,
        PostgresSourceFixture.spec(changing, List.of(column(changing, "id"), column(changing, "dropped"))),
        wholeTable()));
    assertThat(dropped.kind()).isEqualTo(ErrorKind.PERMANENT);
    assertThat(dropped.getMessage()).isEqualTo("Cannot read chunk table of reads.changing: column \"dropped\" does "
        + "not exist any more; discover the stream again");

    SluiceException retyped = catchThrowableOfType(SluiceException.class, () -> PostgresSourceFixture.read(source,
        PostgresSourceFixture.spec(changing, List.of(column(changing, "retyped"))), wholeTable()));
    assertThat(retyped.kind()).isEqualTo(ErrorKind.PERMANENT);
    assertThat(retyped.getMessage()).contains("column \"retyped\" cannot be read as int", "maps to string");

    List<Object[]> kept = PostgresSourceFixture.read(source,
        PostgresSourceFixture.spec(changing, List.of(column(changing, "kept"))), wholeTable());
    assertThat(kept).singleElement().satisfies(r -> assertThat(Arrays.asList(r)).containsExactly(10));
    PostgresSourceFixture.assertNoSluiceConnectionWithin(server, 5_000);
  }

  @Test
  void droppedTableFailsPermanently() {
    StreamDescriptor vanishing = PostgresSourceFixture.stream(source.discover(), "reads", "vanishing");
    server.execute("DROP TABLE reads.vanishing");
    SluiceException error = catchThrowableOfType(SluiceException.class,
        () -> PostgresSourceFixture.read(source, PostgresSourceFixture.spec(vanishing), wholeTable()));
    assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
    assertThat(error.getMessage()).isEqualTo("Cannot read chunk table of reads.vanishing: the table does not exist");
  }

  private static Split wholeTable() {
    PostgresChunk chunk = new PostgresChunk.WholeTable();
    return new Split(chunk.id(), chunk.toJson(), -1);
  }

  private static Column column(StreamDescriptor stream, String name) {
    return stream.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
