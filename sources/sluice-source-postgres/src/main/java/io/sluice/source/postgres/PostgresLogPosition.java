package io.sluice.source.postgres;

import io.sluice.spi.ConfigException;
import org.postgresql.replication.LogSequenceNumber;

/**
 * A place in a replication slot's change stream, able to sit inside a transaction (batches are bounded,
 * transactions are not). Row events of a transaction share its commit LSN and are numbered from 0 in log order,
 * counting the rows of every table; {@code (commitLsn, index)} orders all events of the log.
 *
 * <p>A position means "everything at or before it is behind": {@code (L, i)} covers every transaction that
 * committed before L and events 0..i of the one that committed at L; {@code (L, COMPLETE)} covers the whole
 * transaction at L. Encoded as {@code 0/16B3748#12} or {@code 0/16B3748#end}.
 *
 * @param commitLsn commit LSN of the transaction the position is in (or after)
 * @param index the last row event covered in that transaction, or {@link #COMPLETE}
 */
record PostgresLogPosition(long commitLsn, long index) implements Comparable<PostgresLogPosition> {
  static final long COMPLETE = Long.MAX_VALUE;

  /** Everything that committed before {@code lsn} is behind; a transaction committing at {@code lsn} is not. */
  static PostgresLogPosition before(long lsn) {
    return new PostgresLogPosition(lsn - 1, COMPLETE);
  }

  boolean complete() {
    return index == COMPLETE;
  }

  /**
   * Where the server must (re)start sending so that nothing after this position is missed: a transaction whose
   * commit record lies before it is skipped, so a partly applied transaction is sent again from its start.
   */
  long resumeLsn() {
    return complete() ? commitLsn + 1 : commitLsn;
  }

  String encode() {
    return LogSequenceNumber.valueOf(commitLsn).asString() + "#" + (complete() ? "end" : Long.toString(index));
  }

  /** @throws ConfigException naming the text when it is not a position this source wrote */
  static PostgresLogPosition decode(String text) {
    int hash = text.indexOf('#');
    try {
      if (hash < 0) {
        throw new IllegalArgumentException("no '#'");
      }
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(text.substring(0, hash));
      if (lsn == LogSequenceNumber.INVALID_LSN && !text.startsWith("0/0#")) {
        throw new IllegalArgumentException("not an LSN");
      }
      String index = text.substring(hash + 1);
      return new PostgresLogPosition(lsn.asLong(), index.equals("end") ? COMPLETE : Long.parseLong(index));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("change_log.position", "Cannot read log position '" + text
          + "': expected an LSN and an event index such as 0/16B3748#12 or 0/16B3748#end (the state file was "
          + "edited or written for another source)");
    }
  }

  @Override
  public int compareTo(PostgresLogPosition other) {
    int byLsn = Long.compareUnsigned(commitLsn, other.commitLsn);
    return byLsn != 0 ? byLsn : Long.compare(index, other.index);
  }

  @Override
  public String toString() {
    return encode();
  }
}
