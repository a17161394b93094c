/* images.h - the images in the store as rc-images lists them and rc-rmi
 * removes them.
 *
 * An image is a reference in images/index.json. A name@DIGEST alias that
 * rc-pull records beside a tag (for a Docker manifest stored in OCI form)
 * is shown and removed with its tag. Containers are not images' users in
 * the store's sense: each has its own layers file (or full copy), so
 * removing an image never changes a container.
 */
#ifndef RC_IMAGES_H
#define RC_IMAGES_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "image/descriptor.h"

struct rc_image_row {
	char ref[1024];
	struct rc_descriptor manifest;
	int64_t size;         /* manifest, config and layer blobs, as stored */
	char containers[1024]; /* names of the containers made from it, ", " between; "" none */
};

/* Every image in the store of root (none when there is no store). */
int rc_images_list(const char *root, struct rc_image_row **ret, size_t *ret_n,
		   struct rc_err *e);

/* Remove image (a reference as rc-unpack takes it, or a manifest digest:
 * then every reference to it) from the store's index. fn (may be NULL) is
 * told each reference removed. ENOENT when it is not there. */
int rc_images_remove(const char *root, const char *image,
		     void (*fn)(const char *ref, void *arg), void *arg, struct rc_err *e);

#endif
