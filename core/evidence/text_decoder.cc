#include "core/evidence/text_decoder.h"
