#include "core/evidence/hasher.h"
