package io.sluice.destination.iceberg;

import io.sluice.spi.Operation;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.WriteResult;

/**
 * Turns a stream's mapped rows into the files of its commits: {@link IcebergInsertWriter} adds rows,
 * {@link IcebergUpsertWriter} applies them by key. Called by {@link IcebergStreamWriter} on the stream's writer
 * thread only.
 *
 * <p>Lifecycle, once per commit: {@link #write} any number of times, {@link #finish()} to close the files and
 * hand them to the commit, then {@link #forgetFinished()} once the commit is through. When a commit fails, the
 * finished files stay pending and more rows may be written before it is retried: rows written then must still
 * apply to the pending ones.
 */
interface IcebergRowWriter {

  /**
   * Writes the change {@code operation} of {@code row}, a record of the table schema that the caller reuses once
   * this returns.
   *
   * @throws io.sluice.spi.SluiceException for a row that cannot be applied, naming the table and the reason
   * @throws java.io.UncheckedIOException when a file cannot be written
   */
  void write(Operation operation, Record row);

  /** Closes the open files and returns those written since the last call; the next write opens new ones. */
  WriteResult finish();

  /**
   * Forgets what was kept to apply later rows to those already finished: their commit went through, or its
   * outcome is unknown and nothing may refer to them any more.
   */
  void forgetFinished();

  /** Deletes the open (not yet finished) files and forgets as {@link #forgetFinished()} does. Never throws. */
  void abort();
}
