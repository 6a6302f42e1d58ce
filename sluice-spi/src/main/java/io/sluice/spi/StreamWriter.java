package io.sluice.spi;

import java.util.Optional;

/**
 * Writes one stream into a destination. Opened by {@link Destination#openStream}; every method is called
 * from the single writer thread the engine gives the stream.
 *
 * <p>Lifecycle: {@link #committedCheckpoint()} (once, to resume), then any number of {@link #write} calls
 * with a {@link #commit} after each batch, then {@link #publish()} when the load is complete, then
 * {@link #close()}. On failure the engine calls {@link #abort()} and then {@link #close()}.
 */
public interface StreamWriter extends AutoCloseable {

  /**
   * The checkpoint recorded with the newest durable commit of this writer's load ({@link WriteMode#REPLACE})
   * or of the table (other modes), or empty when there is none. The engine trusts this over its own state
   * file: the commit happens before the state write, so after a crash between the two, this is newer.
   */
  Optional<String> committedCheckpoint();

  /** Buffers or writes one event. Nothing is visible or durable until {@link #commit}. */
  void write(ChangeEvent event);

  /**
   * Makes every event written since the last commit durable, together with {@code checkpoint} (an opaque
   * string the engine owns), in one atomic step; durable on return.
   *
   * @throws SluiceException with {@link ErrorKind#COMMIT_UNKNOWN} when the destination may or may not have
   *     applied the commit; the engine then stops without touching state
   */
  CommitResult commit(String checkpoint);

  /**
   * Makes the load visible. For {@link WriteMode#REPLACE}, replaces the table's content with everything
   * committed under the load id, atomically; a no-op otherwise. Idempotent.
   */
  void publish();

  /**
   * Follows a change of the stream's columns ({@link LogEvent.SchemaChange}): {@code stream} is the stream with
   * its new columns, and events written after this call carry values in their order. Called only right after a
   * {@link #commit} (nothing is pending). Adding a column and widening a type (int to long, float to double, a
   * decimal's precision) must be followed; a change the destination cannot follow fails.
   *
   * @throws SluiceException {@link ErrorKind#PERMANENT} naming the column, the old and new type, and saying that
   *     the stream needs a resync
   */
  default void evolve(StreamSpec stream) {
    throw new SluiceException(ErrorKind.PERMANENT, "Cannot change the columns of " + stream.destination()
        + ": this destination does not evolve tables; resync the stream");
  }

  /** Discards whatever was written and not committed. Must not throw. */
  void abort();

  @Override
  void close();
}
