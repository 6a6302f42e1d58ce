package io.sluice.spi;

import java.time.Duration;

/**
 * An open change log, read by one engine thread. Opened by {@link ChangeLogSource#open}.
 *
 * <p>The source keeps whatever the log needs alive (for Postgres, standby status updates) as long as the engine
 * calls {@link #poll} at least every few seconds; the engine never leaves it unpolled for long.
 */
public interface ChangeStream extends AutoCloseable {

  /**
   * Returns the next events, waiting up to {@code timeout} for the first one; returns an empty batch (whose
   * position may still have advanced) when the log stays idle. Bounded in size: a batch never holds more than
   * a few thousand events or a few MiB, whatever the size of the source's transactions.
   *
   * @throws SluiceException with {@link ErrorKind#TRANSIENT} when the connection broke (resume from the last
   *     acknowledged position), {@link ErrorKind#PERMANENT} when the log cannot be read any more (e.g. a dropped
   *     or invalidated replication slot), naming what to do
   */
  ChangeBatch poll(Duration timeout) throws InterruptedException;

  /**
   * Tells the source that everything up to {@code position} (a position of a batch this stream returned) is
   * durable in every destination table and in the state file, so the source may release the log before it
   * (Postgres: the slot's flush LSN). Called only after that is true; never with a position older than the
   * one acknowledged before.
   */
  void acknowledge(String position);

  @Override
  void close();
}
