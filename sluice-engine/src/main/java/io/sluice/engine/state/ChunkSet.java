package io.sluice.engine.state;

import java.util.BitSet;

/**
 * An immutable set of split indexes, written compactly as ranges ({@code 0-4,7,9-12}) so that a load with
 * thousands of splits keeps a short checkpoint.
 */
public final class ChunkSet {
  private static final ChunkSet EMPTY = new ChunkSet(new BitSet());
  private final BitSet bits;

  private ChunkSet(BitSet bits) {
    this.bits = bits;
  }

  public static ChunkSet empty() {
    return EMPTY;
  }

  public ChunkSet with(int index) {
    BitSet copy = (BitSet) bits.clone();
    copy.set(index);
    return new ChunkSet(copy);
  }

  public ChunkSet union(ChunkSet other) {
    BitSet copy = (BitSet) bits.clone();
    copy.or(other.bits);
    return new ChunkSet(copy);
  }

  public boolean contains(int index) {
    return bits.get(index);
  }

  public int size() {
    return bits.cardinality();
  }

  /** Whether every index in {@code 0..count-1} is present. */
  public boolean containsAll(int count) {
    return bits.nextClearBit(0) >= count;
  }

  /** The ranges form: {@code 0-4,7}; empty string for the empty set. */
  public String encode() {
    StringBuilder text = new StringBuilder();
    int start = bits.nextSetBit(0);
    while (start >= 0) {
      int end = bits.nextClearBit(start) - 1;
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(start);
      if (end > start) {
        text.append('-').append(end);
      }
      start = bits.nextSetBit(end + 1);
    }
    return text.toString();
  }

  /** @throws IllegalArgumentException naming the text when it is not the ranges form */
  public static ChunkSet decode(String text) {
    BitSet bits = new BitSet();
    if (text.isBlank()) {
      return new ChunkSet(bits);
    }
    for (String part : text.split(",")) {
      String[] bounds = part.trim().split("-");
      try {
        int from = Integer.parseInt(bounds[0]);
        int to = bounds.length == 2 ? Integer.parseInt(bounds[1]) : from;
        if (bounds.length > 2 || from < 0 || to < from) {
          throw new NumberFormatException();
        }
        bits.set(from, to + 1);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Cannot read chunk set '" + text + "': expected ranges like 0-4,7");
      }
    }
    return new ChunkSet(bits);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChunkSet set && set.bits.equals(bits);
  }

  @Override
  public int hashCode() {
    return bits.hashCode();
  }

  @Override
  public String toString() {
    return encode();
  }
}
