// Minimal PNG writer: signature, IHDR, one IDAT, IEND. Grayscale 8-bit with
// filter type 0 on every row: report images are small (class sheets, pixel
// statistics), so the smaller files of adaptive filtering are not worth it.
#include "nnrecipe/png.h"

#include <zlib.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace nnrecipe {
namespace {

void put_u32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xFF));
  out.push_back(static_cast<char>((v >> 16) & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}

// A chunk is length, type, data, then the CRC-32 of type and data.
void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  out += body;
  const uLong crc =
      ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  put_u32(out, static_cast<uint32_t>(crc));
}

}  // namespace

std::string encode_png_gray(const uint8_t* pixels, std::size_t width, std::size_t height) {
  // PNG limits each dimension to 2^31 - 1; crc32 takes a uInt length, which
  // bounds a chunk (and so the raw image) well before that.
  constexpr std::size_t max_dim = 0x7FFFFFFF;
  constexpr std::size_t max_raw = std::numeric_limits<uInt>::max() / 2;
  if (width == 0 || height == 0) throw std::invalid_argument("PNG image must not be empty");
  if (pixels == nullptr) throw std::invalid_argument("PNG image has no pixels");
  if (width > max_dim || height > max_dim || (width + 1) > max_raw / height) {
    throw std::invalid_argument("PNG image too large: " + std::to_string(width) + "x" + std::to_string(height));
  }

  // Each scanline starts with its filter type byte (0 = none).
  std::string raw;
  raw.reserve((width + 1) * height);
  for (std::size_t y = 0; y < height; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(pixels + y * width), width);
  }
  uLongf packed_size = ::compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  const int rc =
      ::compress2(reinterpret_cast<Bytef*>(&packed[0]), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                  static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION);
  if (rc != Z_OK) throw std::runtime_error("PNG encoding failed: zlib compress2 returned " + std::to_string(rc));
  packed.resize(packed_size);
  if (packed.size() > max_raw) throw std::runtime_error("PNG encoding failed: compressed image too large");

  std::string ihdr;
  put_u32(ihdr, static_cast<uint32_t>(width));
  put_u32(ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // bit depth 8, grayscale, deflate, filter 0, no interlace

  std::string png("\x89PNG\r\n\x1a\n", 8);
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

std::string base64_encode(const std::string& bytes) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string png_data_uri(const uint8_t* pixels, std::size_t width, std::size_t height) {
  return "data:image/png;base64," + base64_encode(encode_png_gray(pixels, width, height));
}

}  // namespace nnrecipe
