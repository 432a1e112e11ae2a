// A deliberately naive C-STORE sender for the cases DCMTK's storescu and dcmsend refuse to
// produce: a data set that cannot be parsed, or a command whose SOP Instance UID differs from
// the data set's. Sends the bytes of a meta-header-less file as they are.
#pragma once

#include <cstdint>
#include <string>

struct T_ASC_Network;
struct T_ASC_Association;

namespace ctscreen::testing {

struct RawStoreResult {
  bool answered = false;  // a C-STORE response came back
  std::uint16_t status = 0xFFFF;
  std::string error_comment;
  std::string error;  // why nothing came back
};

RawStoreResult RawStore(const std::string& host, int port, const std::string& called_aet,
                        const std::string& sop_class_uid, const std::string& sop_instance_uid,
                        const std::string& data_set_file);

// Writes the data set of a Part 10 file without its meta header (Explicit VR Little Endian),
// the form RawStore sends.
void WriteDataSetOnly(const std::string& part10_file, const std::string& out);

}  // namespace ctscreen::testing

namespace ctscreen::testing {

// An association opened and left idle, to fill the listener's association slots.
class HeldAssociation {
 public:
  HeldAssociation(const std::string& host, int port, const std::string& called_aet);
  ~HeldAssociation();
  bool accepted() const { return accepted_; }
  const std::string& error() const { return error_; }

 private:
  ::T_ASC_Network* net_ = nullptr;
  ::T_ASC_Association* assoc_ = nullptr;
  bool accepted_ = false;
  std::string error_;
};

}  // namespace ctscreen::testing
