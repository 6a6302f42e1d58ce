package io.sluice.engine.sync;

import io.sluice.spi.Column;
import io.sluice.spi.StreamSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short hash of everything that shapes the rows a load writes (columns and types, key, partitioning,
 * destination, mode). A load only resumes when the fingerprint is unchanged.
 */
final class StreamFingerprint {
  private StreamFingerprint() {}

  static String of(StreamSpec spec) {
    StringBuilder text = new StringBuilder();
    text.append(spec.source()).append('|').append(spec.destination()).append('|').append(spec.syncMode());
    for (Column column : spec.columns()) {
      text.append('|').append(column.name()).append(':').append(column.type());
    }
    text.append("|key=").append(spec.primaryKey()).append("|parts=").append(spec.partitioning());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
