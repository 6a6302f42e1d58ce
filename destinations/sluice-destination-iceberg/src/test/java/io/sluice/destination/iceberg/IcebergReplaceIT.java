package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Full refresh: staged on a branch that starts empty, invisible until publish, swapped in atomically,
 * resumable by a new process with the same load id.
 */
class IcebergReplaceIT {
  private static final StreamSpec ORDERS = stream("orders",
      List.of(column("id", DataType.LONG), column("item", DataType.STRING)), List.of("id"), List.of("bucket(2, id)"));

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  @Test
  void replacesExistingRowsOnlyAtPublishAndResumesInANewProcess() {
    StreamWriter append = warehouse.open(ORDERS, WriteMode.APPEND, "old-load");
    writeAndCommit(append, rows(1, 5, "old"), "old-cp");
    append.close();

    StreamWriter first = warehouse.open(ORDERS, WriteMode.REPLACE, "load-7");
    assertThat(first.committedCheckpoint()).isEmpty();
    writeAndCommit(first, rows(100, 3, "new"), "cp-1");
    // a crash: the writer is dropped without publish, close or abort

    assertThat(ids(warehouse.rows("orders"))).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    Table table = warehouse.table("orders");
    assertThat(table.refs()).containsKey("sluice-load-load-7");
    assertThat(ids(IcebergTestWarehouse.rows(table, Optional.of("sluice-load-load-7"))))
        .as("the staging branch starts empty, without main's rows")
        .containsExactlyInAnyOrder(100L, 101L, 102L);

    StreamWriter resumed = warehouse.open(ORDERS, WriteMode.REPLACE, "load-7");
    assertThat(resumed.committedCheckpoint()).contains("cp-1");
    writeAndCommit(resumed, rows(103, 2, "new"), "cp-2");
    assertThat(ids(warehouse.rows("orders"))).as("still the old content").containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);

    resumed.publish();

    List<Record> published = warehouse.rows("orders");
    assertThat(ids(published)).containsExactlyInAnyOrder(100L, 101L, 102L, 103L, 104L);
    assertThat(published).allSatisfy(row -> assertThat(row.getField("item")).isEqualTo("new-" + row.getField("id")));
    table = warehouse.table("orders");
    assertThat(table.refs()).containsOnlyKeys("main");
    assertThat(table.currentSnapshot().summary())
        .containsEntry("sluice.checkpoint", "cp-2")
        .containsEntry("sluice.load-id", "load-7");

    long publishedSnapshot = table.currentSnapshot().snapshotId();
    resumed.publish();
    StreamWriter afterPublish = warehouse.open(ORDERS, WriteMode.REPLACE, "load-7");
    afterPublish.publish();
    assertThat(warehouse.table("orders").currentSnapshot().snapshotId()).as("publish is idempotent")
        .isEqualTo(publishedSnapshot);
    assertThat(afterPublish.committedCheckpoint()).as("no staging branch, nothing to resume").isEmpty();
  }

  @Test
  void newTableWithoutSnapshotsStaysEmptyUntilPublish() {
    StreamWriter writer = warehouse.open(ORDERS, WriteMode.REPLACE, "first");
    writeAndCommit(writer, rows(1, 4, "row"), "cp-a");
    writeAndCommit(writer, rows(5, 1, "row"), "cp-b");

    Table table = warehouse.table("orders");
    assertThat(table.currentSnapshot()).isNull();
    assertThat(warehouse.rows("orders")).isEmpty();
    assertThat(writer.committedCheckpoint()).contains("cp-b");

    writer.publish();
    assertThat(ids(warehouse.rows("orders"))).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void aLoadOfNoRowsEmptiesTheTable() {
    StreamWriter append = warehouse.open(ORDERS, WriteMode.APPEND, "old-load");
    writeAndCommit(append, rows(1, 3, "old"), "old-cp");

    StreamWriter replace = warehouse.open(ORDERS, WriteMode.REPLACE, "empty-source");
    replace.commit("done");
    assertThat(warehouse.rows("orders")).hasSize(3);
    replace.publish();
    assertThat(warehouse.rows("orders")).isEmpty();
  }

  @Test
  void aNewLoadRemovesTheBranchOfAnAbandonedOne() {
    StreamWriter abandoned = warehouse.open(ORDERS, WriteMode.REPLACE, "abandoned");
    writeAndCommit(abandoned, rows(1, 2, "stale"), "cp-stale");

    StreamWriter fresh = warehouse.open(ORDERS, WriteMode.REPLACE, "fresh");
    assertThat(warehouse.table("orders").refs()).doesNotContainKey("sluice-load-abandoned");
    assertThat(fresh.committedCheckpoint()).isEmpty();
    writeAndCommit(fresh, rows(10, 2, "fresh"), "cp-fresh");
    fresh.publish();
    assertThat(ids(warehouse.rows("orders"))).containsExactlyInAnyOrder(10L, 11L);
  }

  @Test
  void publishRefusesRowsWrittenAfterTheLastCommit() {
    StreamWriter writer = warehouse.open(ORDERS, WriteMode.REPLACE, "careless");
    writeAndCommit(writer, rows(1, 1, "x"), "cp");
    writer.write(ChangeEvent.insert(new Object[] {2L, "uncommitted"}, 10));

    assertThatThrownBy(writer::publish)
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
        .hasMessage("Cannot publish load careless to sales.orders: 1 rows were written after the last commit");
    assertThat(warehouse.rows("orders")).isEmpty();
  }

  private static List<Object[]> rows(long firstId, int count, String prefix) {
    List<Object[]> rows = new ArrayList<>();
    for (long id = firstId; id < firstId + count; id++) {
      rows.add(new Object[] {id, prefix + "-" + id});
    }
    return rows;
  }

  private static List<Long> ids(List<Record> rows) {
    return rows.stream().map(row -> (Long) row.getField("id")).toList();
  }
}
