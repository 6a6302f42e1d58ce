package io.sluice.destination.iceberg;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.CommitResult;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.StreamSpec;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one stream into one Iceberg table, for any {@link WriteMode}: the {@link IcebergRowWriter} decides what
 * files a row becomes (added rows, or rows applied by key), the {@link CommitTarget} where commits go. All calls
 * come from the stream's single writer thread.
 *
 * <p>{@link #commit} closes the open files and adds them, data and delete files alike, in one Iceberg snapshot
 * whose summary carries the checkpoint and load id. Files of a commit that failed stay pending, so a retried
 * {@code commit} includes them and {@link #abort} deletes them; files of a commit whose outcome is unknown are
 * never deleted, since the table may reference them.
 */
final class IcebergStreamWriter implements StreamWriter {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergStreamWriter.class);
  private static final WriteResult NO_FILES = WriteResult.builder().build();

  /**
   * How the stream's rows reach its table: the stream as the engine gave it (its own columns, without the change
   * metadata), the table as last prepared, the mapper of rows into records of its schema, the row writer, and the
   * change metadata (null for streams without it). Replaced as a whole when the stream's columns change
   * ({@link #evolve}).
   */
  record Layout(StreamSpec stream, Table table, IcebergRecordMapper mapper, IcebergRowWriter rows,
      IcebergChangeMetadata metadata) {}

  /** Prepares the table for a stream (creating or evolving it) and returns the layout to write it with. */
  interface LayoutFactory {
    /**
     * @param previous the layout the writer has used so far, when the stream's columns changed while it
     *     streams ({@link StreamWriter#evolve}); null when the writer opens
     */
    Layout open(StreamSpec stream, Layout previous);
  }

  private final String tableName;
  private final String loadId;
  private final WriteMode mode;
  private final CommitTarget target;
  private final LayoutFactory layouts;
  private Layout layout;
  private Table table;
  private IcebergRecordMapper mapper;
  private IcebergRowWriter rows;
  private IcebergChangeMetadata metadata;

  private long openRecords;
  private WriteResult pendingFiles = NO_FILES;
  private long pendingRecords;
  /** The checkpoint at the target's head as last seen, to skip commits that would change nothing. */
  private Optional<String> headCheckpoint = Optional.empty();

  IcebergStreamWriter(Table table, String tableName, String loadId, WriteMode mode, CommitTarget target,
      IcebergRecordMapper mapper, IcebergRowWriter rows) {
    this(new Layout(null, table, mapper, rows, null), tableName, loadId, mode, target, (stream, previous) -> {
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot change the columns of " + tableName
          + ": this writer was opened without a way to evolve its table; resync the stream");
    });
  }

  IcebergStreamWriter(Layout layout, String tableName, String loadId, WriteMode mode, CommitTarget target,
      LayoutFactory layouts) {
    this.tableName = tableName;
    this.loadId = loadId;
    this.mode = mode;
    this.target = target;
    this.layouts = layouts;
    use(layout);
  }

  private void use(Layout layout) {
    this.layout = layout;
    this.table = layout.table();
    this.mapper = layout.mapper();
    this.rows = layout.rows();
    this.metadata = layout.metadata();
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
   * @throws SluiceException (INTERNAL) for updates and deletes outside {@link WriteMode#UPSERT}, and for rows that
   *     do not fit the stream (a null key, a value of the wrong class)
   */
  @Override
  public void write(ChangeEvent event) {
    Operation operation = event.operation();
    if (operation != Operation.INSERT && operation != Operation.READ && mode != WriteMode.UPSERT) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot apply " + operation + " events to "
          + tableName + ": the stream is written in " + mode + " mode, which only adds rows; updates and deletes "
          + "need UPSERT");
    }
    Object[] values = event.values();
    if (metadata != null) {
      values = metadata.extend(event);
      if (operation == Operation.DELETE && metadata.softDeletes()) {
        operation = Operation.UPDATE; // the row stays, as a new version flagged deleted
      }
    }
    try {
      rows.write(operation, mapper.map(values));
    } catch (SluiceException e) {
      throw e;
    } catch (UncheckedIOException e) {
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot write files of " + tableName + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot write a row to " + tableName + ": " + e.getMessage(), e);
    }
    openRecords++;
  }

  @Override
  public CommitResult commit(String checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    finishOpenFiles();
    Snapshot head;
    try {
      // Whether the staging branch exists decides how the commit starts it: decide on current metadata.
      table.refresh();
      head = target.head(table);
      if (files(pendingFiles).findAny().isEmpty() && head != null
          && headCheckpoint.equals(Optional.of(checkpoint))) {
        return new CommitResult(0, 0, 0, Long.toString(head.snapshotId()));
      }
      SnapshotUpdate<?> update = target.newCommit(table, pendingFiles);
      update.set(CommitTarget.CHECKPOINT_PROPERTY, checkpoint);
      update.set(CommitTarget.LOAD_ID_PROPERTY, loadId);
      update.scanManifestsWith(CallerThreadExecutor.INSTANCE);
      update.commit();
      head = target.head(table);
    } catch (CommitStateUnknownException e) {
      forgetPending();
      throw IcebergCommitFailures.classify("commit to " + tableName, e);
    } catch (RuntimeException e) {
      if (!(e instanceof CleanableFailure)) {
        // Not one of Iceberg's "nothing happened" failures: the swap may have happened before it was thrown.
        // Decide from the table itself; deleting the files of a commit that happened would corrupt the table.
        Outcome outcome = outcomeOf(checkpoint);
        if (outcome == Outcome.UNKNOWN) {
          forgetPending();
          throw new SluiceException(ErrorKind.COMMIT_UNKNOWN, "Cannot commit to " + tableName + ": " + e.getMessage()
              + "; the table may or may not hold the commit, so its files are kept and the next run resolves it "
              + "from the table's snapshots", e);
        }
        if (outcome == Outcome.COMMITTED) {
          LOG.warn("{}: the commit took effect although it reported {}; continuing", tableName, e.toString());
          return committedNow(checkpoint, target.head(table));
        }
      }
      throw IcebergCommitFailures.classify("commit to " + tableName, e);
    }
    return committedNow(checkpoint, head);
  }

  /** What the table says of a commit that threw. */
  private enum Outcome { COMMITTED, NOT_COMMITTED, UNKNOWN }

  /** Reads the table again: the commit happened when {@code checkpoint} is at the target's head. */
  private Outcome outcomeOf(String checkpoint) {
    try {
      table.refresh();
      return target.committedCheckpoint(table).equals(Optional.of(checkpoint))
          ? Outcome.COMMITTED : Outcome.NOT_COMMITTED;
    } catch (RuntimeException e) {
      return Outcome.UNKNOWN;
    }
  }

  /** Files of a commit whose outcome is unknown: the table may reference them, so abort() must not delete them. */
  private void forgetPending() {
    pendingFiles = NO_FILES;
    pendingRecords = 0;
    rows.forgetFinished();
    headCheckpoint = Optional.empty();
  }

  private CommitResult committedNow(String checkpoint, Snapshot head) {
    CommitResult result = new CommitResult(pendingRecords, files(pendingFiles).count(),
        files(pendingFiles).mapToLong(ContentFile::fileSizeInBytes).sum(), Long.toString(head.snapshotId()));
    pendingFiles = NO_FILES;
    pendingRecords = 0;
    rows.forgetFinished();
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
    if (openRecords > 0 || files(pendingFiles).findAny().isPresent()) {
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

  /**
   * Evolves the table to the stream's new columns and writes the following rows in their order, with a new mapper
   * and row writer (key positions, equality-delete schema) built on the evolved schema. Called right after a
   * commit, so no file is open with the old schema. Works in every mode: a full refresh staged on a branch
   * shares the table's schema, so its earlier files read with the new columns as null. Idempotent.
   *
   * @throws SluiceException {@link ErrorKind#PERMANENT} when Iceberg cannot follow a type change, or the new
   *     columns cannot be written (a column named like a metadata column)
   */
  @Override
  public void evolve(StreamSpec stream) {
    if (openRecords > 0 || files(pendingFiles).findAny().isPresent()) {
      throw new SluiceException(ErrorKind.INTERNAL, "Cannot evolve " + tableName + ": "
          + (openRecords + pendingRecords) + " rows were written after the last commit");
    }
    Layout next;
    try {
      next = layouts.open(stream, layout);
    } catch (SluiceException e) {
      if (e.kind() != ErrorKind.CONFIG) {
        throw e;
      }
      throw new SluiceException(ErrorKind.PERMANENT, e.getMessage() + "; to start the stream over, run the sync "
          + "with --resync " + stream.source(), e);
    }
    rows.abort();
    use(next);
  }

  /** Deletes the files written since the last commit, except those of a commit whose outcome is unknown. */
  @Override
  public void abort() {
    rows.abort();
    openRecords = 0;
    UncommittedFiles.delete(table.io(), files(pendingFiles)::iterator);
    pendingFiles = NO_FILES;
    pendingRecords = 0;
  }

  /** Deletes files that were written and not committed; they can never be committed after close. */
  @Override
  public void close() {
    abort();
  }

  private void finishOpenFiles() {
    if (openRecords == 0) {
      return;
    }
    try {
      pendingFiles = WriteResult.builder().add(pendingFiles).add(rows.finish()).build();
      pendingRecords += openRecords;
    } catch (RuntimeException e) {
      rows.abort();
      throw new SluiceException(ErrorKind.PERMANENT, "Cannot close the files of " + tableName + ": "
          + e.getMessage(), e);
    } finally {
      openRecords = 0;
    }
  }

  private static Stream<ContentFile<?>> files(WriteResult result) {
    return Stream.concat(Arrays.stream(result.dataFiles()), Arrays.stream(result.deleteFiles()));
  }
}
