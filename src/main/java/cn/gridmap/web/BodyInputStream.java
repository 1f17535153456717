package cn.gridmap.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** The request body as a blocking stream over a bounded queue; the socket is paused while the queue is full. */
public final class BodyInputStream extends InputStream {
    private static final int HIGH_WATER = 512 * 1024;
    private static final int LOW_WATER = 128 * 1024;
    private final HttpServerRequest req;
    private final Context context;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private int queued;
    private boolean ended;
    private boolean paused = true;
    private Throwable failure;
    private Buffer current;
    private int pos;

    public BodyInputStream(HttpServerRequest req, Context context) {
        this.req = req;
        this.context = context;
        req.handler(this::onData);
        req.endHandler(v -> onEnd(null));
        req.exceptionHandler(this::onEnd);
        req.resume();
        paused = false;
    }

    private synchronized void onData(Buffer b) {
        queue.add(b);
        queued += b.length();
        if (queued > HIGH_WATER && !paused) {
            paused = true;
            req.pause();
        }
        notifyAll();
    }

    private synchronized void onEnd(Throwable t) {
        ended = true;
        failure = t;
        notifyAll();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length()) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length() - pos);
        current.getBytes(pos, pos + n, b, off);
        pos += n;
        return n;
    }

    private synchronized boolean next() throws IOException {
        while (queue.isEmpty()) {
            if (ended) {
                if (failure != null) {
                    throw new IOException("the request body broke off: " + failure.getMessage(), failure);
                }
                return false;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }
        current = queue.poll();
        pos = 0;
        queued -= current.length();
        if (paused && queued < LOW_WATER) {
            paused = false;
            context.runOnContext(v -> req.resume());
        }
        return true;
    }
}
