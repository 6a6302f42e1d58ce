package io.sluice.destination.iceberg;

import static io.sluice.destination.iceberg.IcebergTestWarehouse.column;
import static io.sluice.destination.iceberg.IcebergTestWarehouse.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.DataType;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.WriteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a failed commit leaves behind: after a known failure the files stay pending for a retry and abort
 * deletes them; after an unknown outcome abort must not delete them, since the table may reference them. The
 * same holds for upserts, whose commits carry delete files too, and rows written between the failure and the
 * retry still replace the pending rows of their keys.
 */
class IcebergCommitFailureIT {
  private static final StreamSpec EVENTS = stream("events",
      List.of(column("id", DataType.INT), column("note", DataType.STRING)), List.of("id"), List.of());

  @Test
  void aConflictIsTransientAndARetriedCommitIncludesTheFiles(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = writerWith(warehouse, WriteMode.APPEND, target);
      writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));

      target.failNextCommitWith(new CommitFailedException("conflict on %s", "events"));
      assertThatThrownBy(() -> writer.commit("cp-1"))
          .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT))
          .hasMessage("Cannot commit to sales.events: conflict on events");
      assertThat(warehouse.parquetFiles("events")).hasSize(1);

      assertThat(writer.commit("cp-1").records()).isEqualTo(1);
      assertThat(warehouse.rows("events")).hasSize(1);
    }
  }

  @Test
  void abortDeletesTheFilesOfACommitThatFailedForSure(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = writerWith(warehouse, WriteMode.APPEND, target);
      writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));
      target.failNextCommitWith(new CommitFailedException("conflict"));
      assertThatThrownBy(() -> writer.commit("cp-1")).isInstanceOf(SluiceException.class);

      writer.abort();
      assertThat(warehouse.parquetFiles("events")).isEmpty();
    }
  }

  @Test
  void anUnknownOutcomeStopsWithCommitUnknownAndKeepsTheFiles(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = writerWith(warehouse, WriteMode.APPEND, target);
      writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));

      target.failNextCommitWith(new CommitStateUnknownException(new RuntimeException("connection reset")));
      assertThatThrownBy(() -> writer.commit("cp-1"))
          .isInstanceOfSatisfying(SluiceException.class,
              e -> assertThat(e.kind()).isEqualTo(ErrorKind.COMMIT_UNKNOWN))
          .hasMessageStartingWith("Cannot commit to sales.events: the catalog may or may not have applied the commit");
      writer.abort();
      writer.close();
      assertThat(warehouse.parquetFiles("events")).hasSize(1);
    }
  }

  @Test
  void aCommitThatTookEffectBeforeItThrewIsKeptNotDeleted(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = writerWith(warehouse, WriteMode.UPSERT, target);
      writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));
      target.failNextCommitAfterCommittingWith(new java.util.concurrent.RejectedExecutionException(
          "rejected from a terminated pool"));
      assertThat(writer.commit("cp-1").records()).as("read back: the commit happened").isEqualTo(1);
      writer.abort();
      writer.close();
      assertThat(notes(warehouse)).as("the table is readable: no file it references was deleted")
          .isEqualTo(Map.of(1, "a"));
      assertThat(writer.committedCheckpoint()).hasValue("cp-1");
    }
  }

  @Test
  void anUnexpectedFailureThatLeftNoCommitFailsAndItsFilesCanBeDeleted(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = writerWith(warehouse, WriteMode.APPEND, target);
      writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));
      target.failNextCommitWith(new IllegalStateException("manifest writer broke"));
      assertThatThrownBy(() -> writer.commit("cp-1"))
          .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
      writer.abort();
      assertThat(warehouse.parquetFiles("events")).isEmpty();
    }
  }

  /** In format 3 the retried commit holds two deletion vectors for one pending file, which Iceberg merges. */
  @ParameterizedTest(name = "format version {0}")
  @ValueSource(ints = {2, 3})
  void aRetriedUpsertCommitAppliesThePendingChangesAndThoseWrittenSince(int formatVersion, @TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory).with("format_version", formatVersion)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = writerWith(warehouse, WriteMode.UPSERT, target);
      writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));
      writer.write(ChangeEvent.insert(new Object[] {2, "b"}, 4));
      writer.commit("cp-1");
      int filesAfterFirstCommit = warehouse.parquetFiles("events").size();

      writer.write(ChangeEvent.update(new Object[] {1, "a2"}, 4));
      writer.write(ChangeEvent.delete(new Object[] {2, null}, 4));
      writer.write(ChangeEvent.insert(new Object[] {3, "c"}, 4));
      writer.write(ChangeEvent.update(new Object[] {3, "c1"}, 4));
      target.failNextCommitWith(new CommitFailedException("conflict"));
      assertThatThrownBy(() -> writer.commit("cp-2"))
          .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT));
      assertThat(notes(warehouse)).isEqualTo(Map.of(1, "a", 2, "b"));
      assertThat(warehouse.parquetFiles("events")).as("a data and an equality-delete file stay pending")
          .hasSizeGreaterThanOrEqualTo(filesAfterFirstCommit + 2);

      // key 3 has its row in a pending file: the update must remove that row, not add a second one
      writer.write(ChangeEvent.update(new Object[] {3, "c2"}, 4));
      writer.write(ChangeEvent.update(new Object[] {1, "a3"}, 4));
      assertThat(writer.commit("cp-2").records()).isEqualTo(6);

      assertThat(notes(warehouse)).isEqualTo(Map.of(1, "a3", 3, "c2"));
      assertThat(warehouse.table("events").snapshots()).extracting(snapshot -> snapshot.summary().get("sluice.checkpoint"))
          .containsExactly("cp-1", "cp-2");
    }
  }

  @Test
  void abortAfterAFailedUpsertCommitDeletesItsDataAndDeleteFiles(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = upsertWriterHoldingKey1(warehouse, target);
      List<Path> committed = warehouse.parquetFiles("events");

      writer.write(ChangeEvent.update(new Object[] {1, "b"}, 4));
      writer.write(ChangeEvent.update(new Object[] {1, "c"}, 4));
      target.failNextCommitWith(new CommitFailedException("conflict"));
      assertThatThrownBy(() -> writer.commit("cp-2")).isInstanceOf(SluiceException.class);
      writer.write(ChangeEvent.delete(new Object[] {1, null}, 4));
      writer.abort();

      assertThat(warehouse.parquetFiles("events")).containsExactlyInAnyOrderElementsOf(committed);
      assertThat(notes(warehouse)).isEqualTo(Map.of(1, "a"));
      StreamWriter resumed = warehouse.open(EVENTS, WriteMode.UPSERT, "load");
      assertThat(resumed.committedCheckpoint()).contains("cp-1");
    }
  }

  @Test
  void anUnknownUpsertOutcomeKeepsDataAndDeleteFiles(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingTarget target = new FailingTarget();
      IcebergStreamWriter writer = upsertWriterHoldingKey1(warehouse, target);
      int filesAfterFirstCommit = warehouse.parquetFiles("events").size();

      writer.write(ChangeEvent.update(new Object[] {1, "b"}, 4));
      target.failNextCommitWith(new CommitStateUnknownException(new RuntimeException("connection reset")));
      assertThatThrownBy(() -> writer.commit("cp-2"))
          .isInstanceOfSatisfying(SluiceException.class,
              e -> assertThat(e.kind()).isEqualTo(ErrorKind.COMMIT_UNKNOWN));
      writer.abort();
      writer.close();

      assertThat(warehouse.parquetFiles("events")).as("the update's data file and equality-delete file")
          .hasSize(filesAfterFirstCommit + 2);
    }
  }

  private static Map<Integer, String> notes(IcebergTestWarehouse warehouse) {
    List<Record> rows = warehouse.rows("events");
    Map<Integer, String> notes = rows.stream()
        .collect(Collectors.toMap(row -> (Integer) row.getField("id"), row -> (String) row.getField("note")));
    assertThat(notes).as("one row per key").hasSize(rows.size());
    return notes;
  }

  /** An upsert writer that committed row {@code (1, "a")} with checkpoint {@code cp-1}. */
  private static IcebergStreamWriter upsertWriterHoldingKey1(IcebergTestWarehouse warehouse, FailingTarget target) {
    IcebergStreamWriter writer = writerWith(warehouse, WriteMode.UPSERT, target);
    writer.write(ChangeEvent.insert(new Object[] {1, "a"}, 4));
    writer.commit("cp-1");
    return writer;
  }

  private static IcebergStreamWriter writerWith(IcebergTestWarehouse warehouse, WriteMode mode, CommitTarget target) {
    warehouse.open(EVENTS, mode, "setup").close();
    Table table = warehouse.table("events");
    IcebergRecordMapper mapper = new IcebergRecordMapper("sales.events", table.schema(), EVENTS.columns());
    IcebergRowWriter rows = mode == WriteMode.UPSERT
        ? IcebergUpsertWriter.open(table, EVENTS, "sales.events", 1L << 20)
        : new IcebergInsertWriter(table, 1L << 20);
    return new IcebergStreamWriter(table, "sales.events", "load", mode, target, mapper, rows);
  }

  /** Commits to main, except that a commit after {@link #failNextCommitWith} throws instead of committing. */
  private static final class FailingTarget implements CommitTarget {
    private final MainBranchTarget main = new MainBranchTarget();
    private RuntimeException failure;
    private boolean afterCommitting;

    void failNextCommitWith(RuntimeException nextFailure) {
      this.failure = nextFailure;
      this.afterCommitting = false;
    }

    /** The next commit happens, and then throws, as when a shutdown hook stops Iceberg's pool after the swap. */
    void failNextCommitAfterCommittingWith(RuntimeException nextFailure) {
      this.failure = nextFailure;
      this.afterCommitting = true;
    }

    @Override
    public String branch() {
      return main.branch();
    }

    @Override
    public Optional<String> committedCheckpoint(Table table) {
      return main.committedCheckpoint(table);
    }

    @Override
    public SnapshotUpdate<?> newCommit(Table table, WriteResult files) {
      SnapshotUpdate<?> real = main.newCommit(table, files);
      RuntimeException toThrow = failure;
      boolean commitFirst = afterCommitting;
      failure = null;
      if (toThrow == null) {
        return real;
      }
      Class<?> kind = real instanceof RowDelta ? RowDelta.class : AppendFiles.class;
      return (SnapshotUpdate<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {kind}, (proxy, method, arguments) -> {
            if (method.getName().equals("commit")) {
              if (commitFirst) {
                real.commit();
              }
              throw toThrow;
            }
            try {
              Object result = method.invoke(real, arguments);
              return result == real ? proxy : result;
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public Snapshot head(Table table) {
      return main.head(table);
    }

    @Override
    public void publish(Table table) {
      main.publish(table);
    }
  }
}
