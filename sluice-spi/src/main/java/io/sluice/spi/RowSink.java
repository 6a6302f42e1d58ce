package io.sluice.spi;

/**
 * Receives the rows a {@link SnapshotReader} reads. Implemented by the engine; called on the reader's thread.
 */
public interface RowSink {
  /**
   * Takes one row. Blocks while the pipeline is full (back-pressure).
   *
   * @param row values in {@link StreamSpec#columns()} order, of the classes {@link DataType.Kind} fixes; the
   *     sink owns the array after the call
   * @param sizeBytes the row's approximate size on the wire, used to bound buffered bytes
   * @throws InterruptedException when the sync is being cancelled; the reader must stop and rethrow
   */
  void accept(Object[] row, int sizeBytes) throws InterruptedException;
}
