package cn.gridmap.export;

import java.io.IOException;

import org.locationtech.jts.geom.Geometry;

/** Writes the features of one export, in order; {@link #finish()} completes the file or stream. */
interface FeatureWriter extends AutoCloseable {
    void write(String id, Object[] values, Geometry geometry) throws IOException;

    void finish() throws IOException;

    @Override
    default void close() throws IOException {
    }
}
