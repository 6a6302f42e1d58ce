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
import io.sluice.spi.WriteMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed commit leaves behind: after a known failure the files stay pending for a retry and abort
 * deletes them; after an unknown outcome abort must not delete them, since the table may reference them.
 */
class IcebergCommitFailureIT {
  private static final StreamSpec EVENTS = stream("events",
      List.of(column("id", DataType.INT)), List.of("id"), List.of());

  @Test
  void aConflictIsTransientAndARetriedCommitIncludesTheFiles(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      FailingOnceTarget target = new FailingOnceTarget(new CommitFailedException("conflict on %s", "events"));
      IcebergStreamWriter writer = writerWith(warehouse, target);
      writer.write(ChangeEvent.insert(new Object[] {1}, 4));

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
      IcebergStreamWriter writer =
          writerWith(warehouse, new FailingOnceTarget(new CommitFailedException("conflict")));
      writer.write(ChangeEvent.insert(new Object[] {1}, 4));
      assertThatThrownBy(() -> writer.commit("cp-1")).isInstanceOf(SluiceException.class);

      writer.abort();
      assertThat(warehouse.parquetFiles("events")).isEmpty();
    }
  }

  @Test
  void anUnknownOutcomeStopsWithCommitUnknownAndKeepsTheFiles(@TempDir Path directory) {
    try (IcebergTestWarehouse warehouse = new IcebergTestWarehouse(directory)) {
      IcebergStreamWriter writer = writerWith(warehouse,
          new FailingOnceTarget(new CommitStateUnknownException(new RuntimeException("connection reset"))));
      writer.write(ChangeEvent.insert(new Object[] {1}, 4));

      assertThatThrownBy(() -> writer.commit("cp-1"))
          .isInstanceOfSatisfying(SluiceException.class,
              e -> assertThat(e.kind()).isEqualTo(ErrorKind.COMMIT_UNKNOWN))
          .hasMessageStartingWith("Cannot commit to sales.events: the catalog may or may not have applied the commit");
      writer.abort();
      writer.close();
      assertThat(warehouse.parquetFiles("events")).hasSize(1);
    }
  }

  private static IcebergStreamWriter writerWith(IcebergTestWarehouse warehouse, CommitTarget target) {
    warehouse.open(EVENTS, WriteMode.APPEND, "setup").close();
    Table table = warehouse.table("events");
    IcebergRecordMapper mapper = new IcebergRecordMapper("sales.events", table.schema(), EVENTS.columns());
    return new IcebergStreamWriter(table, "sales.events", "load", target, mapper, 1L << 20);
  }

  /** Appends to main, except that the first commit throws {@code failure} instead of committing. */
  private static final class FailingOnceTarget implements CommitTarget {
    private final MainBranchTarget main = new MainBranchTarget();
    private RuntimeException failure;

    FailingOnceTarget(RuntimeException failure) {
      this.failure = failure;
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
    public SnapshotUpdate<?> newCommit(Table table, List<DataFile> dataFiles) {
      SnapshotUpdate<?> real = main.newCommit(table, dataFiles);
      RuntimeException toThrow = failure;
      failure = null;
      if (toThrow == null) {
        return real;
      }
      return (SnapshotUpdate<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {AppendFiles.class}, (proxy, method, arguments) -> {
            if (method.getName().equals("commit")) {
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
