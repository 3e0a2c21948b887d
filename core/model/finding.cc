#include "core/model/finding.h"
