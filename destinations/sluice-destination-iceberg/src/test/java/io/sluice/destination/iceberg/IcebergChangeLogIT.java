package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.SyncMode;
import io.sluice.spi.WriteMode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What CDC needs from the Iceberg destination: a backfill (reads, REPLACE) continued by row changes applied by key
 * (UPSERT), with the change metadata columns, hard and soft deletes, updates that move a row to another partition,
 * and the same result in format 2 (position deletes in Parquet) and format 3 (deletion vectors). Tables are read
 * back through a separate catalog with Iceberg's generic reader, which applies the delete files.
 */
class IcebergChangeLogIT {
  private static final Instant T1 = Instant.parse("2026-05-01T10:00:00.123456Z");
  private static final Instant T2 = Instant.parse("2026-05-01T10:00:05Z");
  private static final Instant T3 = Instant.parse("2026-05-01T10:00:09.5Z");

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  static StreamSpec cdc(String table, List<String> partitioning) {
    return new StreamSpec(StreamId.of("public", table), StreamId.of(IcebergTestWarehouse.NAMESPACE, table),
        SyncMode.CDC, List.of(column("id", DataType.LONG), column("region", DataType.INT),
            column("amount", DataType.decimal(10, 2))), List.of("id"), partitioning, Optional.empty());
  }

  static Object[] row(long id, Integer region, String amount) {
    return new Object[] {id, region, amount == null ? null : new BigDecimal(amount)};
  }

  /**
   * A backfill of ids 1..4 (REPLACE, reads), then three commits of changes: updates (2 twice), a key inserted,
   * updated and deleted within one commit (6) and across commits (7, its delete carrying the whole row), a delete
   * carrying the key only (3) and a re-insert of that key, an update that moves a row to region 2 (4).
   */
  private void backfillThenChanges(StreamSpec stream) {
    StreamWriter backfill = warehouse.open(stream, WriteMode.REPLACE, "backfill");
    for (long id = 1; id <= 4; id++) {
      backfill.write(ChangeEvent.read(row(id, 1, id + ".00"), 32));
    }
    backfill.commit("{\"load_id\":\"backfill\"}");
    backfill.publish();
    backfill.close();

    StreamWriter changes = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    changes.write(ChangeEvent.insert(row(5, 1, "5.00"), 32, T1));
    changes.write(ChangeEvent.update(row(2, 1, "2.50"), 32, T1));
    changes.write(ChangeEvent.update(row(2, 1, "2.75"), 32, T1));
    changes.write(ChangeEvent.insert(row(6, 1, "6.00"), 32, T1));
    changes.write(ChangeEvent.update(row(6, 1, "6.60"), 32, T1));
    changes.write(ChangeEvent.delete(row(6, null, null), 8, T1));
    changes.write(ChangeEvent.insert(row(7, 1, "7.00"), 32, T1));
    changes.commit("{\"log_position\":\"1\"}");
    changes.write(ChangeEvent.delete(row(3, null, null), 8, T2));
    changes.write(ChangeEvent.update(row(4, 2, "4.40"), 32, T2));
    changes.write(ChangeEvent.update(row(7, 1, "7.70"), 32, T2));
    changes.commit("{\"log_position\":\"2\"}");
    changes.write(ChangeEvent.delete(row(7, 1, "7.70"), 32, T3));
    changes.write(ChangeEvent.insert(row(3, 2, "3.30"), 32, T3));
    changes.commit("{\"log_position\":\"3\"}");
    changes.close();
  }

  /** What {@link #backfillThenChanges} leaves: id to region, amount, _sluice_op, _sluice_source_ts. */
  private static Map<Long, List<Object>> expectedAfterChanges() {
    Map<Long, List<Object>> rows = new HashMap<>();
    rows.put(1L, values(1, "1.00", "read", null));
    rows.put(2L, values(1, "2.75", "update", T1));
    rows.put(3L, values(2, "3.30", "insert", T3));
    rows.put(4L, values(2, "4.40", "update", T2));
    rows.put(5L, values(1, "5.00", "insert", T1));
    return rows;
  }

  private static List<Object> values(Integer region, String amount, String op, Instant sourceTs) {
    return Arrays.asList(region, amount == null ? null : new BigDecimal(amount), op,
        sourceTs == null ? null : OffsetDateTime.ofInstant(sourceTs, ZoneOffset.UTC));
  }


  private Map<Long, List<Object>> changeContent(String table) {
    return warehouse.content(table, "region", "amount", "_sluice_op", "_sluice_source_ts");
  }

  @ParameterizedTest(name = "format version {0}, partitioned by [{1}]")
  @CsvSource(delimiter = '|', value = {
      "2|", "3|", "2|identity(region)", "3|identity(region)", "2|bucket(4, region)", "3|bucket(4, region)"})
  void changesApplyByKeyWithTheirMetadata(int formatVersion, String partitioning) {
    warehouse.with("format_version", formatVersion);
    OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    backfillThenChanges(cdc("orders", partitioning == null ? List.of() : List.of(partitioning)));
    OffsetDateTime after = OffsetDateTime.now(ZoneOffset.UTC);

    assertThat(changeContent("orders")).isEqualTo(expectedAfterChanges());
    Table table = warehouse.table("orders");
    assertThat(table.schema().columns()).extracting(Types.NestedField::name)
        .containsExactly("id", "region", "amount", "_sluice_op", "_sluice_source_ts", "_sluice_synced_at");
    assertThat(table.schema().findField("_sluice_synced_at").type()).isEqualTo(Types.TimestampType.withZone());
    assertThat(warehouse.content("orders", "_sluice_synced_at").values()).extracting(values -> (OffsetDateTime) values.get(0))
        .allSatisfy(syncedAt -> assertThat(syncedAt).isBetween(before, after));
    assertThat(table.currentSnapshot().summary()).containsEntry("sluice.checkpoint", "{\"log_position\":\"3\"}");
  }

  @ParameterizedTest(name = "format version {0}")
  @ValueSource(ints = {2, 3})
  void softDeletesKeepOneFlaggedRowPerDeletedKey(int formatVersion) {
    warehouse.with("format_version", formatVersion).with("delete_mode", "soft");
    backfillThenChanges(cdc("orders", List.of("identity(region)")));

    Map<Long, List<Object>> expected = new HashMap<>();
    expectedAfterChanges().forEach((id, values) -> expected.put(id, with(values, false)));
    expected.put(6L, with(values(null, null, "delete", T1), true)); // the delete carried the key only
    expected.put(7L, with(values(1, "7.70", "delete", T3), true)); // the delete carried the whole row
    assertThat(warehouse.content("orders", "region", "amount", "_sluice_op", "_sluice_source_ts", "_sluice_deleted"))
        .isEqualTo(expected);
    assertThat(warehouse.table("orders").schema().columns()).extracting(Types.NestedField::name).containsExactly(
        "id", "region", "amount", "_sluice_op", "_sluice_source_ts", "_sluice_synced_at", "_sluice_deleted");
  }

  private static List<Object> with(List<Object> values, boolean deleted) {
    List<Object> extended = new ArrayList<>(values);
    extended.add(deleted);
    return extended;
  }

  /**
   * Format 3 writes deletion vectors where format 2 writes Parquet position deletes, and equality deletes in both;
   * the tables read back the same.
   */
  @Test
  void formatVersions2And3ReadBackIdentically() {
    warehouse.with("format_version", 2);
    backfillThenChanges(cdc("orders_v2", List.of("identity(region)")));
    warehouse.with("format_version", 3);
    backfillThenChanges(cdc("orders_v3", List.of("identity(region)")));

    assertThat(changeContent("orders_v3")).isEqualTo(changeContent("orders_v2")).isEqualTo(expectedAfterChanges());
    List<DeleteFile> v2 = IcebergTestWarehouse.deleteFiles(warehouse.table("orders_v2"));
    List<DeleteFile> v3 = IcebergTestWarehouse.deleteFiles(warehouse.table("orders_v3"));
    assertThat(positionDeletes(v2)).as("rows replaced within a commit").isNotEmpty()
        .allSatisfy(file -> assertThat(file.format()).isEqualTo(FileFormat.PARQUET));
    assertThat(positionDeletes(v3)).as("rows replaced within a commit").isNotEmpty().allSatisfy(file -> {
      assertThat(file.format()).isEqualTo(FileFormat.PUFFIN);
      assertThat(file.referencedDataFile()).as("a deletion vector names its data file").isNotNull();
      assertThat(file.contentOffset()).isNotNull();
    });
    assertThat(equalityDeletes(v3)).isNotEmpty().hasSameSizeAs(equalityDeletes(v2))
        .allSatisfy(file -> assertThat(file.format()).isEqualTo(FileFormat.PARQUET));
  }

  private static List<DeleteFile> positionDeletes(List<DeleteFile> files) {
    return files.stream().filter(file -> file.content() == FileContent.POSITION_DELETES).toList();
  }

  private static List<DeleteFile> equalityDeletes(List<DeleteFile> files) {
    return files.stream().filter(file -> file.content() == FileContent.EQUALITY_DELETES).toList();
  }

  /**
   * A table a full refresh created (no metadata columns) continued by CDC: the columns are added, rows written
   * before keep nulls in them.
   */
  @Test
  void aFullRefreshTableGetsTheMetadataColumnsWhenCdcContinuesIt() {
    StreamSpec cdc = cdc("orders", List.of());
    StreamSpec fullRefresh = new StreamSpec(cdc.source(), cdc.destination(), SyncMode.FULL_REFRESH, cdc.columns(),
        cdc.primaryKey(), cdc.partitioning(), Optional.empty());
    StreamWriter refresh = warehouse.open(fullRefresh, WriteMode.REPLACE, "refresh");
    refresh.write(ChangeEvent.read(row(1, 1, "1.00"), 32));
    refresh.write(ChangeEvent.read(row(2, 1, "2.00"), 32));
    refresh.commit("{\"load_id\":\"refresh\"}");
    refresh.publish();
    refresh.close();
    assertThat(warehouse.table("orders").schema().columns()).extracting(Types.NestedField::name)
        .containsExactly("id", "region", "amount");

    StreamWriter changes = warehouse.open(cdc, WriteMode.UPSERT, "change-log");
    changes.write(ChangeEvent.update(row(2, 2, "2.20"), 32, T1));
    changes.write(ChangeEvent.insert(row(3, 1, "3.00"), 32, T1));
    changes.commit("{\"log_position\":\"1\"}");
    changes.close();

    assertThat(warehouse.table("orders").schema().columns()).extracting(Types.NestedField::name)
        .containsExactly("id", "region", "amount", "_sluice_op", "_sluice_source_ts", "_sluice_synced_at");
    assertThat(warehouse.table("orders").schema().findField("_sluice_op").isOptional()).isTrue();
    assertThat(changeContent("orders")).isEqualTo(Map.of(
        1L, values(1, "1.00", null, null),
        2L, values(2, "2.20", "update", T1),
        3L, values(1, "3.00", "insert", T1)));
  }

  @Test
  void readsAreAddedLikeInsertsInAppendMode() {
    StreamSpec cdc = cdc("orders", List.of());
    StreamWriter append = warehouse.open(cdc, WriteMode.APPEND, "append");
    append.write(ChangeEvent.read(row(1, 1, "1.00"), 32));
    append.write(ChangeEvent.insert(row(2, 1, "2.00"), 32, T1));
    append.commit("cp-1");
    append.close();
    assertThat(changeContent("orders")).isEqualTo(Map.of(
        1L, values(1, "1.00", "read", null), 2L, values(1, "2.00", "insert", T1)));
  }

  @Test
  void aStreamColumnNamedLikeMetadataIsRefused() {
    StreamSpec clash = new StreamSpec(StreamId.of("public", "odd"), StreamId.of(IcebergTestWarehouse.NAMESPACE, "odd"),
        SyncMode.CDC, List.of(column("id", DataType.LONG), column("_sluice_op", DataType.STRING)), List.of("id"),
        List.of(), Optional.empty());
    assertThatThrownBy(() -> warehouse.open(clash, WriteMode.UPSERT, "change-log"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG))
        .hasMessageContaining("'_sluice_op'").hasMessageContaining("starts with _sluice_");
    assertThat(warehouse.readCatalog().tableExists(IcebergTableProvisioner.identifier(clash)))
        .as("refused before the table is created").isFalse();
  }
}
