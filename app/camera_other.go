//go:build !linux || mobile

package app

// findCamera finds no camera: live preview is for Linux desktops (V4L2).
// Elsewhere, and on phones, where Fyne has no camera API, photos come
// through "Open photo…".
func findCamera() (cameraDevice, bool) { return cameraDevice{}, false }
