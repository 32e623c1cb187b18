// Package outfile opens a run's outputs so that writing them is safe: a
// file appears whole or not at all, never world-readable, and devices,
// pipes and terminals are written as they are, never replaced.
package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// File is one output. A path that does not exist or names a regular file
// (after symlinks) is written to a temporary file in the same directory and
// renamed into place only by Commit: a crash or an interrupted run never
// leaves half a clean file a pipeline could submit. Outputs carry patient
// data: the temporary is 0600, and a file replaced keeps its permissions.
// Anything else (a device such as /dev/null, a FIFO, a terminal) is opened
// and written in place: renaming over it would replace the device.
type File struct {
	*bufio.Writer
	f      *os.File
	target string      // the path after symlinks
	mode   os.FileMode // the replaced file's permissions, 0 for a new file
	direct bool        // written in place
}

var (
	openMu  sync.Mutex
	openTmp = map[string]bool{} // temporaries to remove on interrupt
)

// Open opens path for writing.
func Open(path string) (*File, error) {
	target, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(target)
	switch {
	case err == nil && !st.Mode().IsRegular():
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", path)
		}
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &File{Writer: bufio.NewWriterSize(f, 256<<10), f: f, target: target, direct: true}, nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	openMu.Lock()
	openTmp[f.Name()] = true
	openMu.Unlock()
	a := &File{Writer: bufio.NewWriterSize(f, 256<<10), f: f, target: target}
	if st != nil {
		a.mode = st.Mode().Perm()
	}
	return a, nil
}

// Resolve follows path's symlinks, the last one included, to the path of
// the file it names, which may not exist yet.
func Resolve(path string) (string, error) {
	for range 40 {
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

func forget(name string) {
	openMu.Lock()
	delete(openTmp, name)
	openMu.Unlock()
}

// Commit flushes the output; a file written to a temporary is synced and
// renamed into place.
func (a *File) Commit() error {
	if a.direct {
		err := a.Flush()
		if cerr := a.f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	name := a.f.Name()
	defer forget(name)
	err := a.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil && a.mode != 0 {
		err = os.Chmod(name, a.mode) // the file it replaces keeps its permissions
	}
	if err == nil {
		err = os.Rename(name, a.target)
	}
	if err != nil {
		_ = os.Remove(name) // the error to report is err
	}
	return err
}

// Abort removes the temporary file; the target is left untouched. (What
// was written to a device or a pipe stays written.)
func (a *File) Abort() {
	// Best effort: the run is already failing.
	_ = a.f.Close()
	if !a.direct {
		_ = os.Remove(a.f.Name())
		forget(a.f.Name())
	}
}

// RemoveAll deletes every temporary not yet committed; the command calls
// it when a signal ends the run.
func RemoveAll() {
	openMu.Lock()
	defer openMu.Unlock()
	for name := range openTmp {
		_ = os.Remove(name) // best effort, on the way out
		delete(openTmp, name)
	}
}

// Same reports whether paths a and b name one file: the same file when
// both exist, else the same path once symlinks are followed.
func Same(a, b string) bool {
	sa, ea := os.Stat(a)
	sb, eb := os.Stat(b)
	if ea == nil && eb == nil {
		return os.SameFile(sa, sb)
	}
	if ea == nil || eb == nil {
		return false
	}
	ra, err1 := Resolve(a)
	rb, err2 := Resolve(b)
	if err1 != nil || err2 != nil {
		return false
	}
	aa, err1 := filepath.Abs(ra)
	ab, err2 := filepath.Abs(rb)
	return err1 == nil && err2 == nil && aa == ab
}
