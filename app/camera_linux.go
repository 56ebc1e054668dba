//go:build linux && !mobile

package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blackjack/webcam"
)

// The camera on Linux: the first V4L2 capture device under /dev, read
// through github.com/blackjack/webcam (pure Go ioctls, no cgo). MJPEG is
// preferred (a 720p stream at full rate over USB 2), else YUYV 4:2:2; the
// size nearest 1280×720 is asked for.

// V4L2 pixel formats (fourcc codes, videodev2.h).
const (
	pixMJPEG = webcam.PixelFormat('M' | 'J'<<8 | 'P'<<16 | 'G'<<24)
	pixYUYV  = webcam.PixelFormat('Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24)
)

const (
	cameraWidth, cameraHeight = 1280, 720
	// cameraFrameInterval paces the conversion of frames: decoding MJPEG
	// costs a few milliseconds a frame, and neither the preview nor the
	// decoder needs more than about 15 frames a second.
	cameraFrameInterval = time.Second / 15
	// cameraBuffers is the number of frames the driver queues: few, so
	// that a frame is fresh when it is read.
	cameraBuffers = 4
	// cameraPoll is how long, in seconds, a read waits for a frame before
	// it checks whether to stop.
	cameraPoll = 1
)

// errNoFormat means the camera offers neither MJPEG nor YUYV.
var errNoFormat = errors.New("the camera offers neither MJPEG nor YUYV frames")

// errShortFrame means a YUYV frame holds fewer bytes than its size needs.
var errShortFrame = errors.New("the camera sent a frame shorter than its size")

// findCamera returns the first V4L2 capture device that streams MJPEG or
// YUYV. It opens each device briefly to ask; it runs off the UI goroutine.
func findCamera() (cameraDevice, bool) { return findCameraIn("/dev") }

// findCameraIn looks for the camera among dir/video*, in number order
// (video2 before video10). Nodes that are not capture devices (the
// metadata node a UVC camera has beside its video node), are in use or
// are not V4L2 devices at all are skipped.
func findCameraIn(dir string) (cameraDevice, bool) {
	paths, _ := filepath.Glob(filepath.Join(dir, "video*"))
	num := func(p string) int {
		n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(p), "video"))
		if err != nil {
			return 1 << 30
		}
		return n
	}
	sort.SliceStable(paths, func(i, j int) bool { return num(paths[i]) < num(paths[j]) })
	for _, p := range paths {
		cam, err := webcam.Open(p)
		if err != nil {
			continue
		}
		_, ok := chooseFormat(cam.GetSupportedFormats())
		cam.Close()
		if ok {
			return cameraDevice{name: p, open: func() (frameSource, error) {
				src, err := openV4L2(p)
				if err != nil {
					return nil, err
				}
				return src, nil
			}}, true
		}
	}
	return cameraDevice{}, false
}

// chooseFormat prefers MJPEG, else YUYV.
func chooseFormat(formats map[webcam.PixelFormat]string) (webcam.PixelFormat, bool) {
	for _, f := range []webcam.PixelFormat{pixMJPEG, pixYUYV} {
		if _, ok := formats[f]; ok {
			return f, true
		}
	}
	return 0, false
}

// chooseSize returns the size among sizes nearest w×h (by the sum of the
// differences of width and height). A stepwise or continuous range gives
// w×h clamped into it and rounded to its steps. ok is false when the
// driver listed no sizes.
func chooseSize(sizes []webcam.FrameSize, w, h uint32) (bw, bh uint32, ok bool) {
	best := uint32(1<<32 - 1)
	for _, s := range sizes {
		cw, ch := fit(w, s.MinWidth, s.MaxWidth, s.StepWidth), fit(h, s.MinHeight, s.MaxHeight, s.StepHeight)
		if d := absDiff(cw, w) + absDiff(ch, h); !ok || d < best {
			bw, bh, best, ok = cw, ch, d, true
		}
	}
	return bw, bh, ok
}

// fit clamps v into [lo, hi] and rounds it down to lo plus a multiple of
// step.
func fit(v, lo, hi, step uint32) uint32 {
	v = max(lo, min(v, hi))
	if step > 1 {
		v = lo + (v-lo)/step*step
	}
	return v
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// v4l2Source is an open, streaming V4L2 camera.
type v4l2Source struct {
	cam    *webcam.Webcam
	format webcam.PixelFormat
	w, h   int

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{} // closed when the reading goroutine ended
	closed bool
}

// openV4L2 opens the camera at path, sets its format and size, and starts
// streaming.
func openV4L2(path string) (*v4l2Source, error) {
	cam, err := webcam.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open camera %s: %w", path, err)
	}
	format, ok := chooseFormat(cam.GetSupportedFormats())
	if !ok {
		cam.Close()
		return nil, fmt.Errorf("camera %s: %w", path, errNoFormat)
	}
	w, h, ok := chooseSize(cam.GetSupportedFrameSizes(format), cameraWidth, cameraHeight)
	if !ok {
		w, h = cameraWidth, cameraHeight // the driver picks the nearest it has
	}
	// webcam v0.6.1 returns the size asked for, not the one the driver
	// set: asking only for a listed size keeps them equal, and YUYV frames
	// are checked against it.
	got, _, _, err := cam.SetImageFormat(format, w, h)
	if err != nil {
		cam.Close()
		return nil, fmt.Errorf("camera %s: set format: %w", path, err)
	}
	if got != format {
		cam.Close()
		return nil, fmt.Errorf("camera %s: %w", path, errNoFormat)
	}
	if err := cam.SetBufferCount(cameraBuffers); err != nil {
		cam.Close()
		return nil, fmt.Errorf("camera %s: %w", path, err)
	}
	if err := cam.StartStreaming(); err != nil {
		cam.Close()
		return nil, fmt.Errorf("camera %s: %w", path, err)
	}
	return &v4l2Source{cam: cam, format: format, w: int(w), h: int(h)}, nil
}

// Frames starts the goroutine that reads the camera. It converts a frame
// only when the previous one was taken and at most 15 times a second; the
// others go back to the driver unread.
func (v *v4l2Source) Frames(ctx context.Context) <-chan image.Image {
	out := make(chan image.Image, 1)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed || v.done != nil {
		close(out)
		return out
	}
	ctx, v.cancel = context.WithCancel(ctx)
	v.done = make(chan struct{})
	go v.read(ctx, out)
	return out
}

func (v *v4l2Source) read(ctx context.Context, out chan<- image.Image) {
	defer close(v.done)
	defer close(out)
	var converted time.Time
	for ctx.Err() == nil {
		err := v.cam.WaitForFrame(cameraPoll)
		var timeout *webcam.Timeout
		if errors.As(err, &timeout) {
			continue
		}
		if err != nil {
			return // the camera is gone
		}
		buf, index, err := v.cam.GetFrame()
		if errors.Is(err, syscall.EAGAIN) {
			continue
		}
		if err != nil {
			return
		}
		if len(out) == 0 && time.Since(converted) >= cameraFrameInterval && len(buf) > 0 {
			if img, err := v.convert(buf); err == nil { // a damaged frame is skipped
				converted = time.Now()
				out <- img // never blocks: this goroutine is the only sender and the slot is free
			}
		}
		if err := v.cam.ReleaseFrame(index); err != nil {
			return
		}
	}
}

// convert turns a frame into an image that owns its pixels: the frame's
// buffer goes back to the driver.
func (v *v4l2Source) convert(buf []byte) (image.Image, error) {
	if v.format == pixMJPEG {
		return decodeMJPEG(buf)
	}
	stride := 2 * v.w
	if v.h > 0 && len(buf)%v.h == 0 && len(buf)/v.h > stride {
		stride = len(buf) / v.h // rows padded by the driver
	}
	return yuyvToYCbCr(buf, v.w, v.h, stride)
}

// Close stops the reading goroutine, waits for it, stops streaming and
// closes the device.
func (v *v4l2Source) Close() error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	done := v.done
	if v.cancel != nil {
		v.cancel()
	}
	v.mu.Unlock()
	if done != nil {
		<-done
	}
	return v.cam.Close() // stops streaming first
}

// yuyvToYCbCr converts a YUYV 4:2:2 frame (Y0 Cb Y1 Cr for each pair of
// pixels, stride bytes a row) into a new 4:2:2 image.YCbCr: the bytes are
// only rearranged into planes, which is what the decoder (it reads the Y
// plane) and the preview want.
func yuyvToYCbCr(buf []byte, w, h, stride int) (*image.YCbCr, error) {
	if w <= 0 || h <= 0 || w%2 != 0 || stride < 2*w {
		return nil, fmt.Errorf("YUYV frame %d×%d, stride %d: %w", w, h, stride, errShortFrame)
	}
	if len(buf) < stride*(h-1)+2*w {
		return nil, fmt.Errorf("YUYV frame %d×%d: %d bytes: %w", w, h, len(buf), errShortFrame)
	}
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio422)
	half := w / 2
	for y := range h {
		row := buf[y*stride : y*stride+2*w]
		ys := m.Y[y*m.YStride : y*m.YStride+w]
		cb := m.Cb[y*m.CStride : y*m.CStride+half]
		cr := m.Cr[y*m.CStride : y*m.CStride+half]
		for i := range half {
			p := row[4*i : 4*i+4 : 4*i+4]
			ys[2*i] = p[0]
			cb[i] = p[1]
			ys[2*i+1] = p[2]
			cr[i] = p[3]
		}
	}
	return m, nil
}

// decodeMJPEG decodes an MJPEG frame. Many webcams leave the Huffman
// tables out of their frames and rely on the standard ones (MJPEG's AVI1
// convention); such a frame gets them inserted before it is decoded.
func decodeMJPEG(buf []byte) (image.Image, error) {
	if !hasHuffmanTables(buf) {
		buf = withStandardHuffman(buf)
	}
	return jpeg.Decode(bytes.NewReader(buf))
}

// jpegSegments calls f with the offset and marker of each segment of a
// JPEG before its first scan (SOS), and with the offset of the SOS.
func jpegSegments(buf []byte, f func(off int, marker byte)) {
	if len(buf) < 4 || buf[0] != 0xFF || buf[1] != 0xD8 {
		return
	}
	for i := 2; i+4 <= len(buf); {
		if buf[i] != 0xFF {
			return
		}
		marker := buf[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		f(i, marker)
		if marker == 0xDA {
			return
		}
		i += 2 + (int(buf[i+2])<<8 | int(buf[i+3]))
	}
}

func hasHuffmanTables(buf []byte) bool {
	found := false
	jpegSegments(buf, func(_ int, marker byte) { found = found || marker == 0xC4 })
	return found
}

// withStandardHuffman returns a copy of buf with the standard Huffman
// tables (ITU T.81 K.3) inserted before the scan.
func withStandardHuffman(buf []byte) []byte {
	sos := -1
	jpegSegments(buf, func(off int, marker byte) {
		if marker == 0xDA {
			sos = off
		}
	})
	if sos < 0 {
		return buf
	}
	dht := standardHuffman()
	out := make([]byte, 0, len(buf)+len(dht))
	out = append(out, buf[:sos]...)
	out = append(out, dht...)
	return append(out, buf[sos:]...)
}

// standardHuffman returns the DHT segments of the standard Huffman tables,
// taken from what image/jpeg writes: its encoder uses exactly those.
var standardHuffman = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 8, 8))
	m.Set(0, 0, color.RGBA{R: 200, A: 255}) // a colour image: luma and chroma tables
	if err := jpeg.Encode(&b, m, nil); err != nil {
		panic(err) // encoding an 8×8 image into memory cannot fail
	}
	enc := b.Bytes()
	var dht []byte
	jpegSegments(enc, func(off int, marker byte) {
		if marker == 0xC4 {
			n := 2 + (int(enc[off+2])<<8 | int(enc[off+3]))
			dht = append(dht, enc[off:off+n]...)
		}
	})
	return dht
})
