package io.sluice.source.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of PostgreSQL's {@code pgoutput} logical decoding plugin (protocol version 1) that CDC acts on,
 * parsed from one replication message. See "Logical Replication Message Formats" in the PostgreSQL manual.
 * Times are microseconds since 2000-01-01 UTC, as the server sends them.
 */
sealed interface PgOutputMessage {

  /** A transaction starts; {@code finalLsn} is the LSN of its commit record. */
  record Begin(long finalLsn, long commitMicros, int xid) implements PgOutputMessage {}

  /** The transaction whose commit record is at {@code commitLsn} ends; {@code endLsn} is just after it. */
  record Commit(long commitLsn, long endLsn, long commitMicros) implements PgOutputMessage {}

  /** A table's layout, sent before its first change in a session and after it changes. */
  record Relation(int oid, String namespace, String name, char replicaIdentity, List<RelationColumn> columns)
      implements PgOutputMessage {}

  record RelationColumn(String name, boolean key, int typeOid, int typmod) {}

  record Insert(int relation, Tuple tuple) implements PgOutputMessage {}

  /** {@code old} is the key ('K') or whole old row ('O') when the server sends it, else null. */
  record Update(int relation, Tuple old, Tuple tuple) implements PgOutputMessage {}

  record Delete(int relation, Tuple old) implements PgOutputMessage {}

  record Truncate(List<Integer> relations) implements PgOutputMessage {}

  /** A logical decoding message ({@code pg_logical_emit_message}) at {@code lsn}. */
  record Message(boolean transactional, long lsn, String prefix, String content) implements PgOutputMessage {}

  /** Anything else (type, origin): nothing to do. */
  record Other(char kind) implements PgOutputMessage {}

  /**
   * One row's values as sent: per column a kind ({@code 'n'} null, {@code 'u'} unchanged TOASTed value not sent,
   * {@code 't'} text, {@code 'b'} binary) and, for the last two, the bytes at {@code offsets[i]} of
   * {@code lengths[i]} in {@code data}.
   */
  record Tuple(byte[] kinds, byte[] data, int[] offsets, int[] lengths) {
    int size() {
      return kinds.length;
    }
  }

  /**
   * Parses one message.
   *
   * @throws IllegalArgumentException for a message that is cut short or malformed
   */
  static PgOutputMessage parse(ByteBuffer buffer) {
    ByteBuffer in = buffer.slice();
    try {
      char kind = (char) in.get();
      return switch (kind) {
        case 'B' -> new Begin(in.getLong(), in.getLong(), in.getInt());
        case 'C' -> {
          in.get(); // flags, unused
          yield new Commit(in.getLong(), in.getLong(), in.getLong());
        }
        case 'R' -> relation(in);
        case 'I' -> {
          int relation = in.getInt();
          expect(in, 'N');
          yield new Insert(relation, tuple(in));
        }
        case 'U' -> {
          int relation = in.getInt();
          char next = (char) in.get();
          Tuple old = null;
          if (next == 'K' || next == 'O') {
            old = tuple(in);
            next = (char) in.get();
          }
          if (next != 'N') {
            throw new IllegalArgumentException("update of relation " + relation + " has no new tuple");
          }
          yield new Update(relation, old, tuple(in));
        }
        case 'D' -> {
          int relation = in.getInt();
          char next = (char) in.get();
          if (next != 'K' && next != 'O') {
            throw new IllegalArgumentException("delete of relation " + relation + " has no key or old tuple");
          }
          yield new Delete(relation, tuple(in));
        }
        case 'T' -> {
          int count = in.getInt();
          in.get(); // options
          List<Integer> relations = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            relations.add(in.getInt());
          }
          yield new Truncate(relations);
        }
        case 'M' -> {
          boolean transactional = (in.get() & 1) != 0;
          long lsn = in.getLong();
          String prefix = string(in);
          byte[] content = new byte[in.getInt()];
          in.get(content);
          yield new Message(transactional, lsn, prefix, new String(content, StandardCharsets.UTF_8));
        }
        default -> new Other(kind);
      };
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("pgoutput message cut short", e);
    }
  }

  private static Relation relation(ByteBuffer in) {
    int oid = in.getInt();
    String namespace = string(in);
    String name = string(in);
    char identity = (char) in.get();
    int count = Short.toUnsignedInt(in.getShort());
    List<RelationColumn> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boolean key = (in.get() & 1) != 0;
      columns.add(new RelationColumn(string(in), key, in.getInt(), in.getInt()));
    }
    return new Relation(oid, namespace, name, identity, columns);
  }

  private static Tuple tuple(ByteBuffer in) {
    int count = Short.toUnsignedInt(in.getShort());
    byte[] kinds = new byte[count];
    int[] offsets = new int[count];
    int[] lengths = new int[count];
    byte[] data = in.hasArray() ? in.array() : null;
    int base = in.hasArray() ? in.arrayOffset() : 0;
    if (data == null) {
      data = new byte[in.remaining()];
      in.duplicate().get(data);
      base = -in.position();
    }
    for (int i = 0; i < count; i++) {
      kinds[i] = in.get();
      if (kinds[i] == 't' || kinds[i] == 'b') {
        int length = in.getInt();
        offsets[i] = base + in.position();
        lengths[i] = length;
        in.position(in.position() + length);
      } else if (kinds[i] != 'n' && kinds[i] != 'u') {
        throw new IllegalArgumentException("unknown tuple value kind '" + (char) kinds[i] + "'");
      }
    }
    return new Tuple(kinds, data, offsets, lengths);
  }

  private static String string(ByteBuffer in) {
    int start = in.position();
    int end = start;
    while (in.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end - start];
    in.get(bytes);
    in.get(); // the terminating zero
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void expect(ByteBuffer in, char wanted) {
    char kind = (char) in.get();
    if (kind != wanted) {
      throw new IllegalArgumentException("expected '" + wanted + "' but found '" + kind + "'");
    }
  }
}
