package io.sluice.spi;

import java.util.List;

/**
 * The change-log capability, for {@link SyncMode#CDC} and {@link SyncMode#CDC_ONLY}: one log (a Postgres
 * replication slot, a MySQL binlog) carries the changes of every stream of the source, so the streams of one
 * sync share it. Obtained from {@link Source#changeLog()}; thread-safe like the source.
 *
 * <p>The engine's order of work: {@link #pin} before any backfill, saving the pin's position in state; the
 * backfills; then {@link #open} from each stream's position, committing the events to the destination with
 * the batch position, writing state, and only then {@link ChangeStream#acknowledge acknowledging}.
 */
public interface ChangeLogSource {

  /**
   * Checks what the log needs for these streams (Postgres: {@code wal_level}, replication rights, the
   * publication covering every table, the slot's health) and reports every failed probe, each naming the fix.
   */
  CheckResult check(List<StreamSpec> streams);

  /**
   * Fixes the replay position for these streams now, creating what the log needs when it is absent (Postgres:
   * the publication and the slot) or saying exactly what to run when the user lacks the rights. When the log
   * already exists (a slot from an earlier run), the pin is its current start and the snapshot is not
   * consistent with it.
   *
   * @throws SluiceException {@link ErrorKind#CONFIG} when a stream cannot be captured (no primary key, not
   *     covered by the publication and not addable), naming the stream and the fix
   */
  LogPin pin(List<StreamSpec> streams);

  /** Opens the log for the request. */
  ChangeStream open(ChangeStreamRequest request);

  /** Orders two positions of this source: negative, zero or positive as {@code a} is before, at, after {@code b}. */
  int comparePositions(String a, String b);
}
