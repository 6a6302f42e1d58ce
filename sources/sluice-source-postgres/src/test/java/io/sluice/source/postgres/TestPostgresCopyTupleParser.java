package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.source.postgres.PostgresBinaryDecoders.ValueDecoder;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestPostgresCopyTupleParser {
  private static final ValueDecoder INT = (bytes, offset, length) -> PostgresBinaryDecoders.int32(bytes, offset);
  private static final ValueDecoder TEXT = PostgresBinaryDecoders::text;

  @Test
  void decodesTuplesWhateverTheMessageBoundaries() throws Exception {
    byte[] stream = copyStream(List.of(new Object[] {1, "one"}, new Object[] {2, null},
        new Object[] {3, "drei 😀"}));
    for (int messageSize : new int[] {1, 2, 3, 7, 19, stream.length}) {
      PostgresCopyTupleParser parser = parser(split(stream, messageSize));
      List<List<Object>> rows = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (Object[] row = parser.next(); row != null; row = parser.next()) {
        rows.add(Arrays.asList(row));
        sizes.add(parser.lastTupleBytes());
      }
      assertThat(rows).as("messages of %d bytes", messageSize)
          .containsExactly(Arrays.asList(1, "one"), Arrays.asList(2, null), Arrays.asList(3, "drei 😀"));
      assertThat(sizes).containsExactly(2 + 8 + 4 + 3, 2 + 8 + 4, 2 + 8 + 4 + 9);
    }
  }

  @Test
  void refusesAStreamWithoutTheSignature() {
    byte[] stream = "not a copy stream at all".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> parser(List.of(stream)).next()).isInstanceOf(SluiceException.class)
        .hasMessage("Cannot parse the binary COPY of s.t: the binary COPY signature is missing");
  }

  @Test
  void refusesAStreamThatEndsEarly() throws Exception {
    byte[] stream = copyStream(List.<Object[]>of(new Object[] {1, "one"}));
    byte[] truncated = Arrays.copyOf(stream, stream.length - 4);
    PostgresCopyTupleParser parser = parser(List.of(truncated));
    assertThatThrownBy(parser::next).hasMessageEndingWith("the stream ended before the trailer");
  }

  @Test
  void valueThatCannotBeDecodedNamesTheColumnAndIsPermanent() throws Exception {
    byte[] stream = copyStream(List.<Object[]>of(new Object[] {1, "one"}));
    ValueDecoder failing = (bytes, offset, length) -> {
      throw new IllegalArgumentException("bad value");
    };
    PostgresCopyTupleParser parser = new PostgresCopyTupleParser(messages(List.of(stream)),
        new ValueDecoder[] {INT, failing}, List.of("id", "Name"), "s.t");
    assertThatThrownBy(parser::next).isInstanceOf(SluiceException.class)
        .hasMessage("Cannot decode a value of column \"Name\" of s.t: bad value")
        .satisfies(e -> assertThat(((SluiceException) e).kind()).isEqualTo(ErrorKind.PERMANENT));
  }

  private static PostgresCopyTupleParser parser(List<byte[]> messages) {
    return new PostgresCopyTupleParser(messages(messages), new ValueDecoder[] {INT, TEXT}, List.of("id", "name"),
        "s.t");
  }

  private static PostgresCopyTupleParser.Messages messages(List<byte[]> messages) {
    Iterator<byte[]> iterator = messages.iterator();
    return () -> iterator.hasNext() ? iterator.next() : null;
  }

  private static List<byte[]> split(byte[] stream, int size) {
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < stream.length; i += size) {
      messages.add(Arrays.copyOfRange(stream, i, Math.min(stream.length, i + size)));
    }
    return messages;
  }

  /** What the server sends for rows of (int4, text). */
  private static byte[] copyStream(List<Object[]> rows) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    out.write("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
    out.writeInt(0); // flags
    out.writeInt(4); // header extension, skipped
    out.writeInt(0xCAFE);
    for (Object[] row : rows) {
      out.writeShort(2);
      out.writeInt(4);
      out.writeInt((Integer) row[0]);
      if (row[1] == null) {
        out.writeInt(-1);
      } else {
        byte[] text = ((String) row[1]).getBytes(StandardCharsets.UTF_8);
        out.writeInt(text.length);
        out.write(text);
      }
    }
    out.writeShort(-1);
    return buffer.toByteArray();
  }
}
