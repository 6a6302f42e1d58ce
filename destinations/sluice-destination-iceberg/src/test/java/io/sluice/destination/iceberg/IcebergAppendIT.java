package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.writeAndCommit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CommitResult;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.SyncMode;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** APPEND: commits visible at once, the checkpoint travels in the snapshot summary, aborts leave no files. */
class IcebergAppendIT {
  private static final StreamSpec EVENTS = stream("events",
      List.of(column("id", DataType.INT), column("note", DataType.STRING)), List.of("id"), List.of());

  @RegisterExtension
  final IcebergTestWarehouse warehouse = new IcebergTestWarehouse();

  @Test
  void commitsCarryTheCheckpointAndANewWriterResumesFromIt() {
    StreamWriter writer = warehouse.open(EVENTS, WriteMode.APPEND, "load-1");
    assertThat(writer.committedCheckpoint()).isEmpty();
    writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 10));
    writer.write(ChangeEvent.insert(new Object[] {2, null}, 10));
    CommitResult first = writer.commit("{\"lsn\":1}");
    writer.write(ChangeEvent.insert(new Object[] {3, "c"}, 10));
    CommitResult second = writer.commit("{\"lsn\":2}");

    Table table = warehouse.table("events");
    assertThat(first.records()).isEqualTo(2);
    assertThat(first.files()).isEqualTo(1);
    assertThat(first.bytes()).isEqualTo(sizeOfFilesAddedBy(table, Long.parseLong(first.version())));
    assertThat(second.records()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(Long.toString(table.currentSnapshot().snapshotId()));
    Map<String, String> sluiceSummary = table.currentSnapshot().summary().entrySet().stream()
        .filter(entry -> entry.getKey().startsWith("sluice."))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(sluiceSummary).isEqualTo(Map.of("sluice.checkpoint", "{\"lsn\":2}", "sluice.load-id", "load-1"));
    assertThat(warehouse.rows("events")).extracting(row -> row.getField("note"))
        .containsExactlyInAnyOrder("a", null, "c");

    // another writer without checkpoints appends on top: the newest checkpoint is still found below it
    table.newAppend().commit();
    assertThat(warehouse.open(EVENTS, WriteMode.APPEND, "load-2").committedCheckpoint()).contains("{\"lsn\":2}");
  }

  @Test
  void aCommitWithoutRowsStillRecordsANewCheckpointAndSkipsARepeatedOne() {
    StreamWriter writer = warehouse.open(EVENTS, WriteMode.APPEND, "load-1");
    writeAndCommit(writer, List.<Object[]>of(new Object[] {1, "a"}), "cp-1");
    long before = warehouse.table("events").currentSnapshot().snapshotId();

    CommitResult empty = writer.commit("cp-2");
    assertThat(empty.records()).isZero();
    assertThat(empty.files()).isZero();
    Snapshot head = warehouse.table("events").currentSnapshot();
    assertThat(head.snapshotId()).isNotEqualTo(before);
    assertThat(head.summary()).containsEntry("sluice.checkpoint", "cp-2");
    assertThat(warehouse.open(EVENTS, WriteMode.APPEND, "load-1").committedCheckpoint()).contains("cp-2");

    CommitResult repeated = writer.commit("cp-2");
    assertThat(repeated.version()).isEqualTo(Long.toString(head.snapshotId()));
    assertThat(warehouse.table("events").currentSnapshot().snapshotId()).isEqualTo(head.snapshotId());
    assertThat(warehouse.rows("events")).hasSize(1);
  }

  @Test
  void abortDeletesFilesThatWereWrittenButNotCommitted() {
    // a tiny target closes a file every 1,000 rows (Iceberg's check interval), so files exist on disk
    StreamWriter writer = warehouse.with("target_file_size_bytes", 1).open(EVENTS, WriteMode.APPEND, "load-1");
    writeAndCommit(writer, List.<Object[]>of(new Object[] {1, "kept"}), "cp-1");
    List<Path> committed = warehouse.parquetFiles("events");
    for (int id = 2; id < 3_500; id++) {
      writer.write(ChangeEvent.insert(new Object[] {id, "dropped"}, 10));
    }
    assertThat(warehouse.parquetFiles("events")).hasSizeGreaterThan(committed.size());

    writer.abort();
    writer.close();

    assertThat(warehouse.parquetFiles("events")).containsExactlyInAnyOrderElementsOf(committed);
    assertThat(committed).allSatisfy(file -> assertThat(Files.size(file)).isPositive());
    assertThat(warehouse.rows("events")).extracting(row -> row.getField("note")).containsExactly("kept");
  }

  @Test
  void updatesAndDeletesAreRefusedOutsideUpsertMode() {
    StreamWriter writer = warehouse.open(EVENTS, WriteMode.APPEND, "load-1");
    assertThatThrownBy(() -> writer.write(ChangeEvent.update(new Object[] {1, "x"}, 10)))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
        .hasMessage("Cannot apply UPDATE events to sales.events: the stream is written in APPEND mode, which only "
            + "adds rows; updates and deletes need UPSERT");
    assertThatThrownBy(() -> writer.write(ChangeEvent.delete(new Object[] {1, null}, 10)))
        .hasMessageStartingWith("Cannot apply DELETE events to sales.events");
    assertThatThrownBy(() -> warehouse.open(EVENTS, WriteMode.REPLACE, "load-2")
            .write(ChangeEvent.delete(new Object[] {1, null}, 10)))
        .hasMessageContaining("written in REPLACE mode");
    assertThat(warehouse.parquetFiles("events")).isEmpty();
  }

  @Test
  void aNullKeyIsRefusedBeforeItReachesAFile() {
    StreamWriter writer = warehouse.open(EVENTS, WriteMode.APPEND, "load-1");
    assertThatThrownBy(() -> writer.write(ChangeEvent.insert(new Object[] {null, "no key"}, 10)))
        .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
        .hasMessage("Cannot write a row to sales.events: key column 'id' is null");
  }

  @Test
  void aStreamWithoutNamespaceGetsATableAtTheWarehouseRoot() {
    StreamSpec topic = new StreamSpec(StreamId.of("", "clicks"), StreamId.of("", "clicks"), SyncMode.CDC_ONLY,
        List.of(column("id", DataType.INT)), List.of(), List.of(), Optional.empty());
    StreamWriter writer = warehouse.newDestination().openStream(new WriteRequest(topic, WriteMode.APPEND, "l"));
    writeAndCommit(writer, List.<Object[]>of(new Object[] {7}), "offsets-1");

    Table table = warehouse.readCatalog().loadTable(TableIdentifier.of(Namespace.empty(), "clicks"));
    assertThat(table.location()).isEqualTo("file:" + warehouse.directory().toAbsolutePath() + "/clicks");
    assertThat(IcebergTestWarehouse.rows(table, Optional.empty())).extracting(row -> row.getField("id"))
        .containsExactly(7);
  }

  private static long sizeOfFilesAddedBy(Table table, long snapshotId) {
    long bytes = 0;
    SnapshotChanges changes = SnapshotChanges.builderFor(table).snapshot(table.snapshot(snapshotId)).build();
    for (DataFile file : changes.addedDataFiles()) {
      bytes += file.fileSizeInBytes();
    }
    return bytes;
  }
}
