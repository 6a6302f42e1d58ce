package io.sluice.spi;

/**
 * Reads one {@link Split}. Created by {@link Source#openSnapshot}, used once on one engine reader thread,
 * then closed by the engine (also when {@link #read} throws).
 */
public interface SnapshotReader extends AutoCloseable {
  /**
   * Reads every row of the split into {@code sink}, in any order, and returns the number of rows read.
   *
   * @throws InterruptedException when the sink was interrupted (the sync is being cancelled)
   * @throws SluiceException when reading fails; its {@link ErrorKind} says whether a retry may help
   */
  long read(RowSink sink) throws InterruptedException;

  @Override
  void close();
}
