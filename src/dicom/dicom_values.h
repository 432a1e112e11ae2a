// Small helpers shared by the result writers (SEG, SR): value formatting within DICOM's VR
// limits, new UIDs, and the project's private codes.
#pragma once

#include <string>

#include "ctscreen/core/status.h"

class DcmItem;

namespace ctscreen::dicom {

// Codes for concepts no public coding scheme names; "99" schemes are private by PS3.16 8.2.
inline constexpr const char* kPrivateScheme = "99CTSCREEN";
inline constexpr const char* kCovidLikeCode = "CTS0001";
inline constexpr const char* kCovidLikeMeaning = "COVID-19-like (AI classification)";

// A decimal string of at most 16 characters (VR DS) that keeps as many digits as fit.
std::string FormatDs(double value);

// A new UID under DCMTK's site root (unique per call).
std::string NewUid();

// Text without the characters that separate values or name components, cut to max_length.
std::string CsSafe(const std::string& text, std::size_t max_length);
std::string PnSafe(const std::string& text);

// SliceThickness of a file, 0 when absent or unreadable.
double ReadSliceThickness(const std::string& path);

// Copies the Patient and General Study attributes of reference_file into target; `what`
// ("SR") starts the reason when the file cannot be read.
core::Status CopyPatientAndStudy(const std::string& reference_file, const std::string& what,
                                 DcmItem* target);

}  // namespace ctscreen::dicom
