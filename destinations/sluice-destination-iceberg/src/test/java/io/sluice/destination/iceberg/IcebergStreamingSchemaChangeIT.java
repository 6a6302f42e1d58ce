package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergChangeLogIT.cdc;
import static io.sluice.destination.iceberg.IcebergChangeLogIT.row;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.SyncMode;
import io.sluice.spi.WriteMode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link StreamWriter#evolve}: a table follows its stream's columns while the stream runs (a
 * {@link io.sluice.spi.LogEvent.SchemaChange} between two commits), and refuses what Iceberg cannot follow.
 */
class IcebergStreamingSchemaChangeIT {
  private static final Instant T1 = Instant.parse("2026-05-01T10:00:00Z");

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  /** {@code stream} with {@code columns} in place of its own. */
  private static StreamSpec withColumns(StreamSpec stream, Column... columns) {
    return new StreamSpec(stream.source(), stream.destination(), stream.syncMode(), List.of(columns),
        stream.primaryKey(), stream.partitioning(), stream.cursorField());
  }

  /** {@link IcebergChangeLogIT#cdc}'s columns with region long, amount decimal(14,2) and a new column note. */
  private static StreamSpec evolved(StreamSpec stream) {
    return withColumns(stream, column("id", DataType.LONG), column("region", DataType.LONG),
        column("amount", DataType.decimal(14, 2)), column("note", DataType.STRING));
  }


  @ParameterizedTest(name = "format version {0}, partitioned by [{1}]")
  @CsvSource(delimiter = '|', value = {"2|", "3|", "2|bucket(4, region)", "3|bucket(4, region)"})
  void upsertsFollowAnAddedColumnAndWidenedTypes(int formatVersion, String partitioning) {
    warehouse.with("format_version", formatVersion);
    StreamSpec stream = cdc("orders", partitioning == null ? List.of() : List.of(partitioning));
    StreamWriter writer = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    writer.write(ChangeEvent.insert(row(1, 1, "1.00"), 32, T1));
    writer.write(ChangeEvent.insert(row(2, 2, "2.00"), 32, T1));
    writer.write(ChangeEvent.insert(row(3, 3, "3.00"), 32, T1));
    writer.commit("{\"log_position\":\"1\"}");

    StreamSpec next = evolved(stream);
    writer.evolve(next);
    writer.evolve(next); // a replayed schema change is a no-op
    writer.write(ChangeEvent.insert(new Object[] {4L, 3_000_000_000L, new BigDecimal("123456789012.34"), "new"}, 40,
        T1));
    writer.write(ChangeEvent.update(new Object[] {1L, 1L, new BigDecimal("1.10"), "noted"}, 40, T1));
    writer.write(ChangeEvent.delete(new Object[] {2L, null, null, null}, 8, T1));
    writer.write(ChangeEvent.update(new Object[] {4L, 4L, new BigDecimal("4.40"), "moved"}, 40, T1));
    writer.commit("{\"log_position\":\"2\"}");
    writer.close();

    Table table = warehouse.table("orders");
    assertThat(table.schema().columns()).extracting(field -> field.name() + " " + field.type()).containsExactly(
        "id long", "region long", "amount decimal(14, 2)", "_sluice_op string",
        "_sluice_source_ts timestamptz", "_sluice_synced_at timestamptz", "note string");
    assertThat(warehouse.content("orders", "region", "amount", "note", "_sluice_op")).isEqualTo(Map.of(
        1L, Arrays.asList(1L, new BigDecimal("1.10"), "noted", "update"),
        3L, Arrays.asList(3L, new BigDecimal("3.00"), null, "insert"),
        4L, Arrays.asList(4L, new BigDecimal("4.40"), "moved", "update")));
    assertThat(table.currentSnapshot().summary()).containsEntry("sluice.checkpoint", "{\"log_position\":\"2\"}");
  }

  /**
   * After a crash between the schema change and the state write, the stream is opened again with its old columns
   * and the change is replayed: it finds the table evolved and changes nothing.
   */
  @Test
  void aChangeReplayedByANewWriterChangesNothing() {
    StreamSpec stream = cdc("orders", List.of());
    StreamWriter first = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    first.write(ChangeEvent.insert(row(1, 1, "1.00"), 32, T1));
    first.commit("{\"log_position\":\"1\"}");
    first.evolve(evolved(stream));
    first.write(ChangeEvent.insert(new Object[] {2L, 5_000_000_000L, new BigDecimal("2.00"), "first"}, 40, T1));
    first.commit("{\"log_position\":\"2\"}");
    // crash: the engine's state still has the old columns
    Table before = warehouse.table("orders");

    StreamWriter replay = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    assertThat(replay.committedCheckpoint()).contains("{\"log_position\":\"2\"}");
    replay.evolve(evolved(stream));
    Table after = warehouse.table("orders");
    assertThat(after.schemas()).hasSameSizeAs(before.schemas());
    assertThat(after.schema().schemaId()).isEqualTo(before.schema().schemaId());
    assertThat(after.specs()).hasSameSizeAs(before.specs());

    replay.write(ChangeEvent.update(new Object[] {2L, 6_000_000_000L, new BigDecimal("2.20"), "replayed"}, 40, T1));
    replay.commit("{\"log_position\":\"3\"}");
    assertThat(warehouse.content("orders", "region", "amount", "note")).isEqualTo(Map.of(
        1L, Arrays.asList(1L, new BigDecimal("1.00"), null),
        2L, Arrays.asList(6_000_000_000L, new BigDecimal("2.20"), "replayed")));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "region|int|string", "id|long|int", "amount|decimal(10,2)|decimal(10,3)", "amount|decimal(10,2)|decimal(8,2)",
      "amount|decimal(10,2)|double", "region|int|float"})
  void aTypeChangeIcebergCannotFollowStopsTheStreamNamingTheResync(String name, String from, String to) {
    StreamSpec stream = cdc("orders", List.of());
    StreamWriter writer = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    writer.write(ChangeEvent.insert(row(1, 1, "1.00"), 32, T1));
    writer.commit("{\"log_position\":\"1\"}");
    Schema schemaBefore = warehouse.table("orders").schema();

    List<Column> columns = new ArrayList<>(stream.columns());
    int index = stream.columnIndex(name);
    columns.set(index, column(name, DataType.parse(to)));
    assertThat(stream.columns().get(index).type()).isEqualTo(DataType.parse(from));
    StreamSpec changed = withColumns(stream, columns.toArray(Column[]::new));

    assertThatThrownBy(() -> writer.evolve(changed))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMANENT))
        .hasMessage("Cannot follow the type change of column " + name + " of sales.orders from " + from + " to " + to
            + ": Iceberg cannot convert stored values; resync the stream with --resync public.orders");
    assertThat(warehouse.table("orders").schema().sameSchema(schemaBefore)).as("the table is untouched").isTrue();
    writer.close();
  }

  @Test
  void aNewColumnNamedLikeMetadataStopsTheStream() {
    StreamSpec stream = cdc("orders", List.of());
    StreamWriter writer = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    writer.commit("{\"log_position\":\"1\"}");
    StreamSpec clash = withColumns(stream, column("id", DataType.LONG), column("region", DataType.INT),
        column("amount", DataType.decimal(10, 2)), column("_sluice_extra", DataType.STRING));
    assertThatThrownBy(() -> writer.evolve(clash))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMANENT))
        .hasMessageContaining("'_sluice_extra' starts with _sluice_").hasMessageContaining("--resync public.orders");
    writer.close();
  }

  /** A table made elsewhere with a required non-key column: the column becomes optional when the source allows NULL. */
  @Test
  void aRequiredColumnBecomesOptionalWhenTheSourceAllowsNull() {
    Schema schema = new Schema(List.of(Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.required(2, "note", Types.StringType.get())), Set.of(1));
    warehouse.readCatalog().createNamespace(Namespace.of(IcebergTestWarehouse.NAMESPACE));
    warehouse.readCatalog().buildTable(org.apache.iceberg.catalog.TableIdentifier.of("sales", "notes"), schema)
        .withProperty(TableProperties.FORMAT_VERSION, "2").create();
    StreamSpec stream = new StreamSpec(StreamId.of("public", "notes"), StreamId.of("sales", "notes"), SyncMode.CDC,
        List.of(new Column("id", DataType.LONG, false, "bigint"), new Column("note", DataType.STRING, false, "text")),
        List.of("id"), List.of(), Optional.empty());
    StreamWriter writer = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    writer.write(ChangeEvent.insert(new Object[] {1L, "a"}, 16, T1));
    writer.commit("{\"log_position\":\"1\"}");
    assertThat(warehouse.table("notes").schema().findField("note").isRequired()).isTrue();

    writer.evolve(withColumns(stream, stream.columns().get(0), new Column("note", DataType.STRING, true, "text")));
    writer.write(ChangeEvent.insert(new Object[] {2L, null}, 16, T1));
    writer.commit("{\"log_position\":\"2\"}");

    Table table = warehouse.table("notes");
    assertThat(table.schema().findField("note").isOptional()).isTrue();
    assertThat(table.schema().findField("id").isRequired()).as("the key stays required").isTrue();
    assertThat(warehouse.content("notes", "note", "_sluice_op")).isEqualTo(Map.of(
        1L, Arrays.asList("a", "insert"), 2L, Arrays.asList(null, "insert")));
  }

  /** A full refresh staged on a branch follows a column added between two of its commits. */
  @Test
  void aFullRefreshFollowsAColumnAddedBetweenCommits() {
    StreamSpec stream = IcebergTestWarehouse.stream("items", List.of(column("id", DataType.LONG),
        column("qty", DataType.INT)), List.of("id"), List.of());
    StreamWriter writer = warehouse.open(stream, WriteMode.REPLACE, "refresh");
    writer.write(ChangeEvent.read(new Object[] {1L, 7}, 16));
    writer.commit("{\"chunk\":1}");
    writer.evolve(withColumns(stream, column("id", DataType.LONG), column("qty", DataType.LONG),
        column("colour", DataType.STRING)));
    writer.write(ChangeEvent.read(new Object[] {2L, 8_000_000_000L, "blue"}, 24));
    writer.commit("{\"chunk\":2}");
    assertThat(warehouse.rows("items")).as("nothing visible before publish").isEmpty();
    writer.publish();
    writer.close();

    assertThat(warehouse.content("items", "qty", "colour")).isEqualTo(Map.of(
        1L, Arrays.asList(7L, null), 2L, Arrays.asList(8_000_000_000L, "blue")));
  }
}
