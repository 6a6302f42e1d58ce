package io.sluice.engine.sync;

import io.sluice.spi.StreamId;
import java.util.Optional;

/**
 * How one stream's sync ended.
 *
 * @param stream the source stream
 * @param destination the destination table
 * @param rows rows in the destination's new content (for a full refresh) or rows written by this run
 * @param rowsReadThisRun rows this process read (a resumed load reads fewer)
 * @param chunks chunks of the load
 * @param seconds wall time of this run for the stream
 * @param failure the error, when the stream failed
 */
public record StreamResult(
    StreamId stream, StreamId destination, long rows, long rowsReadThisRun, int chunks, double seconds,
    Optional<Throwable> failure) {
  public boolean succeeded() {
    return failure.isEmpty();
  }
}
