package cn.gridmap.field;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Real pictures for the photo tests, drawn and encoded by the JDK (each {@code seed} a different picture). */
public final class Pictures {
    private Pictures() {
    }

    public static byte[] jpeg(int width, int height, int seed) {
        return encode(width, height, seed, "jpg");
    }

    public static byte[] png(int width, int height, int seed) {
        return encode(width, height, seed, "png");
    }

    private static byte[] encode(int width, int height, int seed, String format) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(0x40 + seed * 37 % 0xa0, 0x90, 0x60 + seed * 13 % 0x90));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.drawString("gridmap " + seed, 4, 14);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
