package io.sluice.destination.iceberg;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CommitResult;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.OutputFileFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one stream into one Iceberg table, for {@code APPEND} or {@code REPLACE} (the {@link CommitTarget}
 * decides where commits go). All calls come from the stream's single writer thread.
 *
 * <p>Rows go into open Parquet files ({@link IcebergDataFileWriter}); {@link #commit} closes them and adds them
 * in one Iceberg snapshot whose summary carries the checkpoint and load id. Files of a commit that failed
 * stay pending, so a retried {@code commit} includes them and {@link #abort} deletes them; files of a commit
 * whose outcome is unknown are never deleted, since the table may reference them.
 */
final class IcebergStreamWriter implements StreamWriter {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergStreamWriter.class);

  private final Table table;
  private final String tableName;
  private final String loadId;
  private final CommitTarget target;
  private final IcebergRecordMapper mapper;
  private final OutputFileFactory fileNames;
  private final long targetFileSizeBytes;

  private IcebergDataFileWriter openFiles;
  private long openRecords;
  private final List<DataFile> pendingFiles = new ArrayList<>();
  private long pendingRecords;
  /** The checkpoint at the target's head as last seen, to skip commits that would change nothing. */
  private Optional<String> headCheckpoint = Optional.empty();

  IcebergStreamWriter(Table table, String tableName, String loadId, CommitTarget target,
      IcebergRecordMapper mapper, long targetFileSizeBytes) {
    this.table = table;
    this.tableName = tableName;
    this.loadId = loadId;
    this.target = target;
    this.mapper = mapper;
    this.targetFileSizeBytes = targetFileSizeBytes;
    this.fileNames = OutputFileFactory.builderFor(table, 1, 0).format(FileFormat.PARQUET).build();
  }

  @Override
  public Optional<String> committedCheckpoint() {
    try {
      table.refresh();
      headCheckpoint = target.committedCheckpoint(table);
    } catch (RuntimeException e) {
      throw IcebergCommitFailures.classify("read the committed checkpoint of " + tableName, e);
    }
    return headCheckpoint;
  }

  /**
   * @throws SluiceException (INTERNAL) for updates and deletes, which arrive with CDC support
   */
  @Override
  public void write(ChangeEvent event) {
    if (event.operation() != Operation.INSERT) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot apply " + event.operation() + " events to "
          + tableName + ": upserts arrive with the CDC issue");
    }
    if (openFiles == null) {
      openFiles = new IcebergDataFileWriter(table, fileNames, targetFileSizeBytes);
    }
    try {
      openFiles.write(mapper.map(event.values()));
    } catch (SluiceException e) {
      throw e;
    } catch (UncheckedIOException e) {
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot write data files of " + tableName + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot write a row to " + tableName + ": " + e.getMessage(), e);
    }
    openRecords++;
  }

  @Override
  public CommitResult commit(String checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    closeOpenFiles();
    Snapshot head;
    try {
      // Whether the staging branch exists decides how the commit starts it: decide on current metadata.
      table.refresh();
      head = target.head(table);
      if (pendingFiles.isEmpty() && head != null && headCheckpoint.equals(Optional.of(checkpoint))) {
        return new CommitResult(0, 0, 0, Long.toString(head.snapshotId()));
      }
      SnapshotUpdate<?> update = target.newCommit(table, pendingFiles);
      update.set(CommitTarget.CHECKPOINT_PROPERTY, checkpoint);
      update.set(CommitTarget.LOAD_ID_PROPERTY, loadId);
      update.commit();
      head = target.head(table);
    } catch (CommitStateUnknownException e) {
      // The table may reference these files now: forget them so that abort() cannot delete them.
      pendingFiles.clear();
      pendingRecords = 0;
      headCheckpoint = Optional.empty();
      throw IcebergCommitFailures.classify("commit to " + tableName, e);
    } catch (RuntimeException e) {
      throw IcebergCommitFailures.classify("commit to " + tableName, e);
    }
    long bytes = pendingFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    CommitResult result =
        new CommitResult(pendingRecords, pendingFiles.size(), bytes, Long.toString(head.snapshotId()));
    pendingFiles.clear();
    pendingRecords = 0;
    headCheckpoint = Optional.of(checkpoint);
    LOG.debug("Committed {} rows in {} files to {} on branch {}", result.records(), result.files(), tableName,
        target.branch());
    return result;
  }

  /**
   * @throws SluiceException (INTERNAL) when rows were written after the last commit, or when there is nothing
   *     this load committed to publish
   */
  @Override
  public void publish() {
    if (openFiles != null || !pendingFiles.isEmpty()) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot publish load " + loadId + " to " + tableName + ": "
          + (openRecords + pendingRecords) + " rows were written after the last commit");
    }
    try {
      table.refresh();
      target.publish(table);
    } catch (IllegalStateException e) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot publish load " + loadId + " to " + tableName + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw IcebergCommitFailures.classify("publish load " + loadId + " to " + tableName, e);
    }
  }

  /** Deletes the files written since the last commit, except those of a commit whose outcome is unknown. */
  @Override
  public void abort() {
    if (openFiles != null) {
      openFiles.abort();
      openFiles = null;
      openRecords = 0;
    }
    for (DataFile file : pendingFiles) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted data file {} of {}: {}; it stays as an orphan no snapshot references",
            file.location(), tableName, e.toString());
      }
    }
    pendingFiles.clear();
    pendingRecords = 0;
  }

  /** Deletes files that were written and not committed; they can never be committed after close. */
  @Override
  public void close() {
    abort();
  }

  private void closeOpenFiles() {
    if (openFiles == null) {
      return;
    }
    IcebergDataFileWriter files = openFiles;
    openFiles = null;
    try {
      pendingFiles.addAll(files.finish());
      pendingRecords += openRecords;
    } catch (RuntimeException e) {
      files.abort();
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot close the data files of " + tableName + ": "
          + e.getMessage(), e);
    } finally {
      openRecords = 0;
    }
  }
}
