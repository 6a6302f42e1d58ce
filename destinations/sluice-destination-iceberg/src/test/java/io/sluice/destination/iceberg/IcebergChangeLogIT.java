package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What CDC needs from the Iceberg destination: a backfill (reads) continued by row changes by key, the change
 * metadata columns, hard and soft deletes, updates that move a row to another partition, format 2 and 3 (deletion
 * vectors), and tables that follow the source's columns while streaming.
 */
class IcebergChangeLogIT {
  private static final Instant T1 = Instant.parse("2026-05-01T10:00:00.123456Z");
  private static final Instant T2 = Instant.parse("2026-05-01T10:00:05Z");

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  private static StreamSpec cdc(String table, List<String> partitioning) {
    return new StreamSpec(StreamId.of("public", table), StreamId.of(IcebergTestWarehouse.NAMESPACE, table),
        SyncMode.CDC, List.of(column("id", DataType.LONG), column("region", DataType.INT),
            column("amount", DataType.decimal(10, 2))), List.of("id"), partitioning, Optional.empty());
  }

  private static Object[] row(long id, int region, String amount) {
    return new Object[] {id, region, new BigDecimal(amount)};
  }

  /** Backfill of ids 1..4 (REPLACE, reads), then in two commits: insert 5, update 2 (twice), delete 3, move 4. */
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
    changes.commit("{\"log_position\":\"1\"}");
    changes.write(ChangeEvent.delete(new Object[] {3L, null, null}, 8, T2));
    changes.write(ChangeEvent.update(row(4, 2, "4.40"), 32, T2)); // region is the partition source: moves
    changes.commit("{\"log_position\":\"2\"}");
    changes.close();
  }

  private Map<Long, Record> byId(String table) {
    Map<Long, Record> rows = new TreeMap<>();
    for (Record record : warehouse.rows(table)) {
      assertThat(rows.put((Long) record.getField("id"), record)).as("id %s twice", record.getField("id")).isNull();
    }
    return rows;
  }

  @ParameterizedTest(name = "format version {0}")
  @ValueSource(ints = {2, 3})
  void changesApplyByKeyWithMetadataAcrossPartitions(int formatVersion) throws Exception {
    warehouse.with("format_version", formatVersion);
    backfillThenChanges(cdc("orders", List.of("identity(region)")));

    Map<Long, Record> rows = byId("orders");
    assertThat(rows).containsOnlyKeys(1L, 2L, 4L, 5L);
    assertThat(rows.get(1L).getField("_sluice_op")).isEqualTo("read");
    assertThat(rows.get(1L).getField("_sluice_source_ts")).isNull();
    assertThat(rows.get(2L).getField("amount")).isEqualTo(new BigDecimal("2.75"));
    assertThat(rows.get(2L).getField("_sluice_op")).isEqualTo("update");
    assertThat(rows.get(2L).getField("_sluice_source_ts")).isEqualTo(OffsetDateTime.ofInstant(T1, ZoneOffset.UTC));
    assertThat(rows.get(4L).getField("region")).as("moved to partition 2, gone from 1").isEqualTo(2);
    assertThat(rows.get(5L).getField("_sluice_op")).isEqualTo("insert");
    OffsetDateTime syncedAt = (OffsetDateTime) rows.get(5L).getField("_sluice_synced_at");
    assertThat(syncedAt).isBetween(OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5),
        OffsetDateTime.now(ZoneOffset.UTC));
    assertThat(warehouse.table("orders").schema().findField("_sluice_deleted")).as("hard deletes").isNull();

    try (CloseableIterable<FileScanTask> tasks = warehouse.table("orders").newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        for (DeleteFile delete : task.deletes()) {
          if (delete.content() == org.apache.iceberg.FileContent.POSITION_DELETES) {
            assertThat(delete.format()).isEqualTo(formatVersion == 3 ? FileFormat.PUFFIN : FileFormat.PARQUET);
          }
        }
      }
    }
  }

  @Test
  void softDeletesKeepTheRowFlagged() {
    warehouse.with("delete_mode", "soft");
    backfillThenChanges(cdc("orders", List.of()));
    Map<Long, Record> rows = byId("orders");
    assertThat(rows).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
    assertThat(rows.get(3L).getField("_sluice_deleted")).isEqualTo(true);
    assertThat(rows.get(3L).getField("_sluice_op")).isEqualTo("delete");
    assertThat(rows.get(3L).getField("amount")).as("only the key came with the delete").isNull();
    assertThat(rows.get(2L).getField("_sluice_deleted")).isEqualTo(false);
    assertThat(rows.get(1L).getField("_sluice_deleted")).isEqualTo(false);
  }

  @Test
  void theTableFollowsAddedColumnsAndWidenedTypesWhileStreaming() {
    StreamSpec stream = cdc("orders", List.of());
    backfillThenChanges(stream);
    StreamWriter writer = warehouse.open(stream, WriteMode.UPSERT, "change-log");
    writer.write(ChangeEvent.insert(row(6, 1, "6.00"), 32, T2));
    writer.commit("{\"log_position\":\"3\"}");
    StreamSpec evolved = new StreamSpec(stream.source(), stream.destination(), SyncMode.CDC,
        List.of(column("id", DataType.LONG), column("region", DataType.LONG), column("amount", DataType.decimal(14, 2)),
            column("note", DataType.STRING)), List.of("id"), List.of(), Optional.empty());
    writer.evolve(evolved);
    writer.evolve(evolved); // a replayed schema change is a no-op
    writer.write(ChangeEvent.insert(new Object[] {7L, 3_000_000_000L, new BigDecimal("123456789012.34"), "new"}, 40,
        T2));
    writer.write(ChangeEvent.update(new Object[] {1L, 1L, new BigDecimal("1.00"), "noted"}, 40, T2));
    writer.commit("{\"log_position\":\"4\"}");

    Map<Long, Record> rows = byId("orders");
    assertThat(rows.get(7L).getField("region")).isEqualTo(3_000_000_000L);
    assertThat(rows.get(7L).getField("amount")).isEqualTo(new BigDecimal("123456789012.34"));
    assertThat(rows.get(7L).getField("note")).isEqualTo("new");
    assertThat(rows.get(1L).getField("note")).isEqualTo("noted");
    assertThat(rows.get(6L).getField("region")).as("older rows read in the wider type").isEqualTo(1L);
    assertThat(rows.get(6L).getField("note")).isNull();

    StreamSpec narrowed = new StreamSpec(stream.source(), stream.destination(), SyncMode.CDC,
        List.of(column("id", DataType.LONG), column("region", DataType.STRING), column("amount", DataType.decimal(14, 2)),
            column("note", DataType.STRING)), List.of("id"), List.of(), Optional.empty());
    assertThatThrownBy(() -> writer.evolve(narrowed))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMANENT))
        .hasMessageContaining("region").hasMessageContaining("--resync public.orders");
    writer.close();
  }

  @Test
  void aStreamColumnNamedLikeMetadataIsRefused() {
    StreamSpec clash = new StreamSpec(StreamId.of("public", "odd"), StreamId.of(IcebergTestWarehouse.NAMESPACE, "odd"),
        SyncMode.CDC, List.of(column("id", DataType.LONG), column("_sluice_op", DataType.STRING)), List.of("id"),
        List.of(), Optional.empty());
    assertThatThrownBy(() -> warehouse.open(clash, WriteMode.UPSERT, "change-log"))
        .hasMessageContaining("'_sluice_op'").hasMessageContaining("starts with _sluice_");
  }
}
