#pragma once
// PNG images for self-contained reports: 8-bit grayscale encoding (zlib) and
// the base64 data: URI that embeds an image in an HTML page with no network.
#include <cstddef>
#include <cstdint>
#include <string>

namespace nnrecipe {

/// PNG file bytes of a `width` x `height` 8-bit grayscale image, row-major,
/// one byte per pixel. Throws std::invalid_argument for an empty or oversized
/// image and std::runtime_error when zlib fails.
std::string encode_png_gray(const uint8_t* pixels, std::size_t width, std::size_t height);

/// Standard base64 (RFC 4648, with '=' padding, no line breaks).
std::string base64_encode(const std::string& bytes);

/// "data:image/png;base64,..." of encode_png_gray.
std::string png_data_uri(const uint8_t* pixels, std::size_t width, std::size_t height);

}  // namespace nnrecipe
