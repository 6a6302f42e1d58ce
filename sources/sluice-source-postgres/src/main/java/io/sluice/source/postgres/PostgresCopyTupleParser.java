package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Splits the byte stream of {@code COPY ... TO STDOUT (FORMAT binary)} into tuples and decodes each field with
 * the column's precomputed decoder.
 *
 * <p>The stream arrives as the server's CopyData messages. PostgreSQL sends one tuple per message, so a tuple is
 * normally decoded in place from the message's array; the parser does not rely on it, though, and joins
 * messages when a tuple or the header spans several.
 */
final class PostgresCopyTupleParser {
  /** Where the copy's bytes come from; {@link #next()} returns null after the last message. */
  @FunctionalInterface
  interface Messages {
    byte[] next() throws SQLException;
  }

  private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] NOTHING = new byte[0];

  private final Messages messages;
  private final ValueDecoder[] decoders;
  private final List<String> columnNames;
  private final String table;
  private byte[] buffer = NOTHING;
  private int position;
  private int limit;
  private boolean headerRead;
  private int lastTupleBytes;

  /**
   * @param decoders one per field, in the order of the {@code SELECT} list
   * @param columnNames the same columns' names, for messages
   * @param table the table's name, for messages
   */
  PostgresCopyTupleParser(Messages messages, ValueDecoder[] decoders, List<String> columnNames, String table) {
    this.messages = messages;
    this.decoders = decoders.clone();
    this.columnNames = List.copyOf(columnNames);
    this.table = table;
  }

  /**
   * Decodes the next tuple into a new array (which the caller owns), or returns null after the trailer.
   *
   * @throws SluiceException when the stream is not what binary COPY sends or a value cannot be decoded
   */
  Object[] next() throws SQLException {
    if (!headerRead) {
      readHeader();
    }
    ensure(2);
    int fields = PostgresBinaryDecoders.int16(buffer, position);
    position += 2;
    if (fields == -1) {
      return null;
    }
    if (fields != decoders.length) {
      throw malformed("a tuple has " + fields + " fields where " + decoders.length + " were selected");
    }
    Object[] row = new Object[fields];
    int size = 2;
    for (int i = 0; i < fields; i++) {
      ensure(4);
      int length = PostgresBinaryDecoders.int32(buffer, position);
      position += 4;
      size += 4;
      if (length >= 0) {
        ensure(length);
        try {
          row[i] = decoders[i].decode(buffer, position, length);
        } catch (RuntimeException e) {
          throw new SluiceException(ErrorKind.PERMANENT, "Cannot decode a value of column "
              + PostgresIdentifiers.quote(columnNames.get(i)) + " of " + table + ": " + e.getMessage(), e);
        }
        position += length;
        size += length;
      }
    }
    lastTupleBytes = size;
    return row;
  }

  /** The size on the wire of the tuple {@link #next()} returned last. */
  int lastTupleBytes() {
    return lastTupleBytes;
  }

  private void readHeader() throws SQLException {
    ensure(SIGNATURE.length + 8);
    if (!Arrays.equals(buffer, position, position + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw malformed("the binary COPY signature is missing");
    }
    position += SIGNATURE.length + 4;
    int extension = PostgresBinaryDecoders.int32(buffer, position);
    position += 4;
    ensure(extension);
    position += extension;
    headerRead = true;
  }

  /** Makes {@code count} bytes readable at {@code position}, joining messages when needed. */
  private void ensure(int count) throws SQLException {
    while (limit - position < count) {
      byte[] message = messages.next();
      if (message == null) {
        throw malformed("the stream ended before the trailer");
      }
      if (position == limit) {
        buffer = message;
      } else {
        byte[] joined = new byte[limit - position + message.length];
        System.arraycopy(buffer, position, joined, 0, limit - position);
        System.arraycopy(message, 0, joined, limit - position, message.length);
        buffer = joined;
      }
      limit = buffer.length;
      position = 0;
    }
  }

  private SluiceException malformed(String reason) {
    return new SluiceException(ErrorKind.INTERNAL, "Cannot parse the binary COPY of " + table + ": " + reason);
  }
}
